package org.cardcase.loss;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardNotFound;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.cases.Cases;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.deadlines.DeadlineRules;
import org.cardcase.shared.FieldErrors;
import org.cardcase.flow.MessageInbox;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.shared.IdNumber;
import org.cardcase.processes.LossReportProcess;
import org.cardcase.shared.Channels;
import org.cardcase.notifications.Notifications;
import org.cardcase.shared.UniqueViolations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Provisional loss reports: by the 24-hour card service line 96102, in writing at a service point (counter) or
 * at a self-service terminal. The card's settlement is stopped at once; the citizen gets the
 * report number and can withdraw the report when the card turns up. The report's automated steps
 * are the methods below {@link #openReportOf}, each safe to run twice.
 */
@Service
public class LossReports {
  public static final String TYPE = "LOSS_REPORT";
  static final List<String> CHANNELS = List.of(Channels.LOSS_LINE, Channels.COUNTER, Channels.TERMINAL);
  private static final Logger log = LoggerFactory.getLogger(LossReports.class);
  /** The unique index that holds "one open provisional loss report per card" (migration V44). */
  static final String ONE_OPEN_REPORT = "card_case_one_open_loss_report";

  public record Report(String idNumber, String cardNumber, String holderName, String phone) {}

  public record Reported(String reportNumber, String cardState, boolean settlementStopped) {}

  private final Cases service;
  private final CaseRepository cases;
  private final CardLifecycle cards;
  private final MedicalSettlement settlement;
  private final MessageInbox inbox;
  private final ProcessLinks links;
  private final Clock clock;
  private final CaseDeadlines caseDeadlines;
  private final DeadlineRules deadlines;
  private final Notifications notifications;
  private final AuditTrail audit;
  private final TransactionTemplate tx;

  public LossReports(Cases service, CaseRepository cases, CardLifecycle cards, MedicalSettlement settlement,
      MessageInbox inbox, ProcessLinks links, Clock clock, CaseDeadlines caseDeadlines, DeadlineRules deadlines,
      Notifications notifications, AuditTrail audit, TransactionTemplate tx) {
    this.caseDeadlines = caseDeadlines;
    this.deadlines = deadlines;
    this.notifications = notifications;
    this.audit = audit;
    this.tx = tx;
    this.service = service;
    this.cases = cases;
    this.cards = cards;
    this.settlement = settlement;
    this.inbox = inbox;
    this.links = links;
    this.clock = clock;
  }

  public Reported report(Report r, String channel) {
    return report(r, channel, null);
  }

  /** In writing at a counter: {@code clerk} is the member of staff who took it (recorded as its actor). */
  public Reported report(Report r, String channel, String clerk) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (!CHANNELS.contains(channel)) {
      errors.put("channel", "a loss is reported by the 96102 line, at a counter or at a terminal, not through " + channel);
    }
    IdNumber.Check id = IdNumber.check(r.idNumber(), LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE)));
    if (!id.valid()) {
      errors.put("idNumber", String.join("; ", id.errors()));
    }
    if (r.cardNumber() != null && !r.cardNumber().isBlank() && !r.cardNumber().matches("[A-Z0-9]{9}")) {
      errors.put("cardNumber", "a social security card number has 9 letters or digits");
    }
    if (r.holderName() == null || r.holderName().isBlank()) {
      errors.put("holderName", "the holder's name is required (it is checked against the card)");
    }
    if (r.phone() == null || !r.phone().matches("1[3-9]\\d{9}")) {
      errors.put("phone", "an 11-digit mainland mobile number is required to send the report number");
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    String idNumber = id.idNumber().value();
    Card card = cards.ofHolder(idNumber).stream()
        .filter(c -> r.cardNumber() == null || r.cardNumber().isBlank() || r.cardNumber().equals(c.cardNumber()))
        .filter(c -> c.state() == CardState.ACTIVE || c.state() == CardState.SUSPENDED)
        .findFirst().orElseThrow(() -> new CardNotFound("in use for this ID number" + (r.cardNumber() == null ? "" : " and card number")));
    if (!card.holderName().equals(r.holderName().strip())) {
      throw FieldErrors.of("holderName", "does not match the card's holder");
    }
    if (card.state() == CardState.SUSPENDED) {
      String open = openReportOf(card.cardId()).orElse(null);
      throw new CaseConflict("the card is already provisionally reported lost" + (open == null ? "" : ": report " + open), open);
    }
    String cn;
    try {
      cn = tx.execute(s -> {
        String number = service.open(TYPE, LossReportProcess.PROCESS_ID, channel, clerk, card.holderName(), idNumber, r.phone(),
            card.issuingBank(), Map.of(LossReportProcess.VAR_CARD_ID, card.cardId()));
        // the card's id in the case's data is under a unique index of open reports (V44): a second
        // report of the card made at the same moment waits here for the first and is refused
        cases.putData(number, clerk == null ? Map.of("cardId", card.cardId(), "reportedVia", channel)
            : Map.of("cardId", card.cardId(), "reportedVia", channel, "acceptedBy", clerk));
        cards.move(card.cardId(), CardState.SUSPENDED, clerk == null ? channel : clerk, channel, "provisional loss report " + number + " via " + channel,
            "provisional-loss:" + number);
        return number;
      });
    } catch (DuplicateKeyException e) {
      if (!UniqueViolations.breaks(e, ONE_OPEN_REPORT)) {
        throw e;
      }
      String open = openReportOf(card.cardId()).orElse(null);
      throw new CaseConflict("the card is already provisionally reported lost" + (open == null ? "" : ": report " + open), open);
    }
    // stop settlement now, in this request; the process's first step repeats it (idempotent) if this fails
    boolean stopped;
    try {
      settlement.stop(card.cardId(), "provisional loss report " + cn);
      stopped = true;
    } catch (RuntimeException e) {
      log.warn("settlement stop for report {} not confirmed yet: {}", cn, e.getMessage());
      stopped = false;
    }
    return new Reported(cn, CardState.SUSPENDED.name(), stopped);
  }

  /** The citizen found the card: settlement resumes. Only an open report, through the same kinds of channel. */
  public void withdraw(String reportNumber, String idNumber, String reason, String channel) {
    CaseRecord c = cases.find(reportNumber).filter(k -> k.caseType().equals(TYPE)).filter(k -> k.idNumber().equals(idNumber))
        .orElseThrow(() -> new CaseNotFound(reportNumber));
    if (!CHANNELS.contains(channel)) {
      throw FieldErrors.of("channel", "a report is withdrawn by the 96102 line, at a counter or at a terminal");
    }
    if (reason == null || reason.isBlank() || reason.length() > 200) {
      throw FieldErrors.of("reason", "say why (e.g. the card was found), at most 200 characters");
    }
    String waiting = links.find(reportNumber).map(l -> l.waitElement()).orElse(null);
    if (c.closedAt() != null || !LossReportProcess.WAIT_RESOLUTION.equals(waiting)) {
      throw new CaseConflict("report " + reportNumber + " can no longer be withdrawn (status " + c.status() + ")", reportNumber);
    }
    inbox.receive("withdraw:" + reportNumber, LossReportProcess.MSG_RESOLVED, reportNumber, channel,
        Map.of(LossReportProcess.VAR_RESOLUTION, LossReportProcess.WITHDRAWN, "withdrawReason", reason.strip()));
  }

  /** The open provisional report of a card, if any. */
  public Optional<String> openReportOf(String cardId) {
    return cases.openCaseByData(TYPE, "cardId", cardId);
  }

  /**
   * The report's first step: the card stops settling (again, if the report's request could not
   * confirm it), the case says so (audited once), the holder is told, and the reminder to make the
   * report formal is counted the first time. Returns when the holder is reminded.
   */
  public Instant stopSettlement(String caseNumber, String cardId) {
    String ref = settlement.stop(cardId, "provisional loss report " + caseNumber); // idempotent by card
    CaseRecord c = cases.get(caseNumber);
    Card card = cards.find(cardId).orElseThrow();
    Instant remindAt = tx.execute(s -> {
      if (cases.changeStatus(caseNumber, CaseStatus.SETTLEMENT_STOPPED, "stopped")) {
        audit.append(AuditTrail.ofCase(caseNumber), "settlement-stopped", "system", "settlement", "SETTLEMENT_STOPPED",
            Map.of("card", cardId, "reference", ref));
      }
      return caseDeadlines.once(caseNumber, LossReportProcess.VAR_FORMAL_REMINDER_AT, clock.instant(),
          deadlines.getFormalReportReminderWorkingDays());
    });
    notifications.send(caseNumber, caseNumber + ":loss-reported", c.phone(), "loss-reported", Map.of("caseNumber", caseNumber,
        "cardTail", card.lastFour(), "dueDate", WorkingDayCalendar.dayOf(remindAt)));
    return remindAt;
  }

  /** The holder is reminded, once, to make the report formal. */
  public void remindFormalReport(String caseNumber) {
    notifications.send(caseNumber, caseNumber + ":formal-reminder", cases.get(caseNumber).phone(), "formal-report-reminder",
        Map.of("caseNumber", caseNumber));
  }

  /** The report was withdrawn ({@code why}): the card settles and is active again, the case closes withdrawn. */
  public void resumeSettlement(String caseNumber, String cardId, String why) {
    CaseRecord c = cases.get(caseNumber);
    // the outside effect first (idempotent): once the case says "withdrawn", the card settles
    settlement.resume(cardId, "loss report " + caseNumber + " withdrawn");
    tx.executeWithoutResult(s -> {
      cards.move(cardId, CardState.ACTIVE, "citizen", c.channel(),
          "provisional loss report " + caseNumber + " withdrawn: " + why, "withdrawn:" + caseNumber);
      if (cases.changeStatus(caseNumber, CaseStatus.WITHDRAWN, "withdrawn")) {
        cases.close(caseNumber, LossReportProcess.END_WITHDRAWN);
      }
    });
    notifications.send(caseNumber, caseNumber + ":withdrawn", c.phone(), "loss-withdrawn", Map.of("caseNumber", caseNumber));
  }

  /** A formal report (a reissue) took the report over: it closes formalised. */
  public void closeFormalised(String caseNumber) {
    tx.executeWithoutResult(s -> {
      if (cases.changeStatus(caseNumber, CaseStatus.FORMALISED, "formalised")) {
        cases.close(caseNumber, LossReportProcess.END_FORMALISED);
      }
    });
  }

}
