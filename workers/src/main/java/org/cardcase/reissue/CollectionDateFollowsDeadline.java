package org.cardcase.reissue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.notifications.Notifications;
import org.cardcase.processes.ReissueProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The pickup date printed on the certificate, shown at the counter and the terminal, checked at the hand-over and
 * told to the citizen is the day of the case's pickup deadline, so the certificate and the SMS never promise another day. When a calendar change moves that deadline
 * (or makes it final), the certificate's date moves with it in the same transaction, the move is audited, and the
 * citizen is told the new date by SMS once the change is committed (one message per new date: the event key is the
 * case and the date).
 */
@Component
class CollectionDateFollowsDeadline implements CaseDeadlines.Listener {
  private static final Logger log = LoggerFactory.getLogger(CollectionDateFollowsDeadline.class);
  /** The new date set when the card was not ready on the pickup date (reissue.pickup-late). */
  static final String DELAYED_TO = "pickupDelayedTo";

  private final Vouchers vouchers;
  private final ObjectProvider<CaseDeadlines> deadlines;
  private final CaseRepository cases;
  private final Notifications notifications;
  private final AuditTrail audit;

  CollectionDateFollowsDeadline(Vouchers vouchers, ObjectProvider<CaseDeadlines> deadlines, CaseRepository cases,
      Notifications notifications, AuditTrail audit) {
    this.vouchers = vouchers;
    this.deadlines = deadlines;
    this.cases = cases;
    this.notifications = notifications;
    this.audit = audit;
  }

  @Override
  public void moved(String caseNumber, String deadline, Instant from, Instant to) {
    if (!ReissueProcess.VAR_PICKUP_DUE_AT.equals(deadline) && !DELAYED_TO.equals(deadline)) {
      return;
    }
    Vouchers.Voucher v = vouchers.ofCase(caseNumber).orElse(null);
    if (v == null || v.state() != Vouchers.State.VALID) {
      return;
    }
    // a card late on its first date has a new date of its own: that one is the certificate's from then on
    CaseDeadlines.Deadline effective = deadlines.getObject().find(caseNumber, DELAYED_TO)
        .or(() -> deadlines.getObject().find(caseNumber, ReissueProcess.VAR_PICKUP_DUE_AT)).orElse(null);
    if (effective == null) {
      return;
    }
    LocalDate day = LocalDate.ofInstant(effective.dueAt(), WorkingDayCalendar.ZONE);
    boolean provisional = effective.provisional();
    if (!vouchers.moveCollectionDate(v.number(), day, provisional)) {
      return;
    }
    boolean dateMoved = !day.equals(v.pickupDate());
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("certificate", v.number());
    detail.put("from", v.pickupDate().toString());
    detail.put("to", day.toString());
    detail.put("provisional", provisional);
    detail.put("reason", "working-day calendar changed");
    audit.append(AuditTrail.ofCase(caseNumber), "pickup-moved:" + day + ":" + provisional, "system", null,
        "PICKUP_DATE_MOVED", detail);
    CaseRecord c = cases.get(caseNumber);
    Runnable tell = () -> {
      try {
        if (dateMoved) {
          notifications.send(caseNumber, caseNumber + ":pickup-moved:" + day, c.phone(), "pickup-date-changed",
              Map.of("caseNumber", caseNumber, "certificate", v.number(), "pickupDate", day.toString(),
                  "provisional", Notifications.provisionalNote(provisional, day)));
        } else if (!provisional) {
          notifications.send(caseNumber, caseNumber + ":pickup-confirmed:" + day, c.phone(), "pickup-date-confirmed",
              Map.of("caseNumber", caseNumber, "certificate", v.number(), "pickupDate", day.toString()));
        }
      } catch (RuntimeException e) {
        log.warn("case {}: the citizen could not be told the pickup date {} now: {}", caseNumber, day, e.getMessage());
      }
    };
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCommit() {
          tell.run();
        }
      });
    } else {
      tell.run();
    }
  }
}
