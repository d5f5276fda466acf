package org.cardcase.reissue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cardcase.deadlines.DeadlineRules;
import org.cardcase.calendar.CalendarStore;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardNotFound;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.Cases;
import org.cardcase.shared.FieldErrors;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.flow.MessageInbox;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.shared.IdNumber;
import org.cardcase.loss.LossReports;
import org.cardcase.notifications.Notifications;
import org.cardcase.shared.Masking;
import org.cardcase.processes.ReissueProcess;
import org.cardcase.shared.Channels;
import org.cardcase.shared.UniqueViolations;
import org.cardcase.verification.PopulationRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Formal loss report and reissue, at a counter, by the holder or a delegate. Accepting it makes the
 * old card formally lost, opens the replacement card, and issues the card pickup certificate that
 * serves as a temporary medical voucher until the new card is handed over, 15 working days later.
 */
@Service
public class Reissues {
  public static final String TYPE = "REISSUE";

  public record Request(String holderIdNumber, String holderName, String phone, String cardNumber, String applicant,
      String delegateName, String delegateIdNumber, Boolean holderIdOriginalChecked, Boolean delegateIdOriginalChecked,
      String holderIdCopy, String delegateIdCopy, String replacementForm, String acceptedBy, Boolean reportProvisionallyNow,
      String delegateCircumstance, String delegateCircumstanceNote, String portraitPhoto) {
    /** Without the issue-25 fields: no delegate circumstance, no new photo (the last card's or the registry's is used). */
    public Request(String holderIdNumber, String holderName, String phone, String cardNumber, String applicant,
        String delegateName, String delegateIdNumber, Boolean holderIdOriginalChecked, Boolean delegateIdOriginalChecked,
        String holderIdCopy, String delegateIdCopy, String replacementForm, String acceptedBy, Boolean reportProvisionallyNow) {
      this(holderIdNumber, holderName, phone, cardNumber, applicant, delegateName, delegateIdNumber, holderIdOriginalChecked,
          delegateIdOriginalChecked, holderIdCopy, delegateIdCopy, replacementForm, acceptedBy, reportProvisionallyNow, null, null,
          null);
    }
  }

  /**
   * The special circumstances in which the holder may have someone else make the formal report (guide 004: "en
   * circunstancias especiales (como alta movilidad, larga experiencia laboral), etc."); OTHER needs the clerk's words.
   */
  public enum DelegateCircumstance { HIGH_MOBILITY, LONG_WORKING_HOURS, ILLNESS_OR_INJURY, OTHER }

  /** Where the replacement's portrait came from (a producer prints the holder's photo: a replacement is ordered with one). */
  public enum PortraitSource { NEW_PHOTO, LAST_CARD, PHOTO_ON_FILE }

  /** {@code provisionalReport}: the provisional report this formal one follows (taken in this visit if asked to). */
  public record Accepted(String caseNumber, String certificateNumber, String pickupDate, int pickupWorkingDays,
      boolean pickupDateProvisional, String oldCardState, String provisionalReport, String portraitSource) {}

  public record Pickup(String certificateNumber, String idNumber, Boolean idCardChecked, String handedOverBy) {}

  private final Cases service;
  private final CaseRepository cases;
  private final CardLifecycle cards;
  private final CaseDocuments documents;
  private final CaseDeadlines caseDeadlines;
  private final CalendarStore calendar;
  private final Vouchers vouchers;
  private final LossReports lossReports;
  private final Notifications notifications;
  private final MessageInbox inbox;
  private final ProcessLinks links;
  private final TransactionTemplate tx;
  private final DeadlineRules deadlines;
  private final Clock clock;
  private final PopulationRegistry registry;
  /**
   * Whether a holder who comes in person also leaves a copy of their ID card. Guide 004 asks the person reporting to
   * present their ID card, and a copy only when someone reports for the holder: off by default (the centre's own rule, stated in the README).
   */
  private final boolean holderIdCopyInPerson;

  public Reissues(Cases service, CaseRepository cases, CardLifecycle cards, CaseDocuments documents,
      CaseDeadlines caseDeadlines, CalendarStore calendar, Vouchers vouchers, Notifications notifications, MessageInbox inbox,
      ProcessLinks links, TransactionTemplate tx, DeadlineRules deadlines, LossReports lossReports, Clock clock,
      PopulationRegistry registry,
      @Value("${cardcase.reissue.holder-id-copy-in-person:false}")
      boolean holderIdCopyInPerson) {
    this.registry = registry;
    this.holderIdCopyInPerson = holderIdCopyInPerson;
    this.lossReports = lossReports;
    this.service = service;
    this.cases = cases;
    this.cards = cards;
    this.documents = documents;
    this.caseDeadlines = caseDeadlines;
    this.calendar = calendar;
    this.vouchers = vouchers;
    this.notifications = notifications;
    this.inbox = inbox;
    this.links = links;
    this.tx = tx;
    this.deadlines = deadlines;
    this.clock = clock;
  }

  public Accepted accept(Request r, String channel) {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, WorkingDayCalendar.ZONE);
    Map<String, String> errors = new LinkedHashMap<>();
    if (!Channels.COUNTER.equals(channel)) {
      errors.put("channel", "a formal loss report and reissue is made in person at a counter, not through " + channel);
    }
    IdNumber.Check holder = IdNumber.check(r.holderIdNumber(), today);
    if (!holder.valid()) {
      errors.put("holderIdNumber", String.join("; ", holder.errors()));
    }
    if (r.holderName() == null || r.holderName().isBlank()) {
      errors.put("holderName", "required");
    }
    if (r.phone() == null || !r.phone().matches("1[3-9]\\d{9}")) {
      errors.put("phone", "an 11-digit mainland mobile number is required for the pickup notice");
    }
    boolean delegate = "DELEGATE".equals(r.applicant());
    if (!"HOLDER".equals(r.applicant()) && !delegate) {
      errors.put("applicant", "HOLDER (the holder in person) or DELEGATE (someone on the holder's behalf)");
    }
    if (!Boolean.TRUE.equals(r.holderIdOriginalChecked())) {
      errors.put("holderIdOriginalChecked", "the clerk must have seen the original of the holder's ID card");
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    // guide 004: the holder's ID card copy with a delegate's report; in person only if the centre asks for it
    if (delegate || holderIdCopyInPerson || (r.holderIdCopy() != null && !r.holderIdCopy().isBlank())) {
      file("holderIdCopy", "ID_CARD_COPY", r.holderIdCopy(), files, errors);
    }
    file("replacementForm", "REPLACEMENT_FORM", r.replacementForm(), files, errors);
    if (delegate) {
      IdNumber.Check d = IdNumber.check(r.delegateIdNumber(), today);
      if (!d.valid()) {
        errors.put("delegateIdNumber", String.join("; ", d.errors()));
      } else if (holder.valid() && d.idNumber().value().equals(holder.idNumber().value())) {
        errors.put("delegateIdNumber", "is the holder's own ID number; choose applicant HOLDER");
      }
      if (r.delegateName() == null || r.delegateName().isBlank()) {
        errors.put("delegateName", "required for a delegate");
      }
      if (!Boolean.TRUE.equals(r.delegateIdOriginalChecked())) {
        errors.put("delegateIdOriginalChecked", "the clerk must have seen the original of the delegate's ID card");
      }
      file("delegateIdCopy", "DELEGATE_ID_COPY", r.delegateIdCopy(), files, errors);
      circumstance(r, errors);
    } else if (r.delegateCircumstance() != null && !r.delegateCircumstance().isBlank()) {
      errors.put("delegateCircumstance", "only a delegate's report names a special circumstance");
    }
    byte[] newPhoto = null;
    if (r.portraitPhoto() != null && !r.portraitPhoto().isBlank()) {
      newPhoto = documents.accept("portraitPhoto", "PORTRAIT_PHOTO", r.portraitPhoto(), errors);
    }
    if (r.acceptedBy() == null || !r.acceptedBy().matches("[a-z0-9._-]{2,40}")) {
      errors.put("acceptedBy", "the user name of the clerk at the counter");
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    String holderId = holder.idNumber().value();
    Card old = cards.ofHolder(holderId).stream()
        .filter(c -> r.cardNumber() == null || r.cardNumber().isBlank() || r.cardNumber().equals(c.cardNumber()))
        .filter(c -> c.state() == CardState.ACTIVE || c.state() == CardState.SUSPENDED || c.state() == CardState.AWAITING_ACTIVATION)
        .findFirst().orElseThrow(() -> {
          // the card of a reissue just accepted (a retry, or one of the same moment) is lost already: say so
          cases.openCaseOf(holderId, TYPE).ifPresent(open -> {
            throw reissueOpen(open);
          });
          return new CardNotFound("that can be reported lost for this holder");
        });
    if (!old.holderName().equals(r.holderName().strip())) {
      throw FieldErrors.of("holderName", "does not match the card's holder");
    }
    cases.openCaseOf(holderId, TYPE).ifPresent(open -> {
          throw reissueOpen(open);
        });
    Portrait portrait = portrait(newPhoto, old, holderId);
    // guide 004: the provisional report comes first (it stops settlement); a counter may take both
    // in one visit. The centre's own rule, not the guides' (stated in the README and on the counter screen):
    // a card never activated has no settlement to stop and needs none.
    String provisional = lossReports.openReportOf(old.cardId()).orElse(null);
    if (provisional == null && old.state() != CardState.AWAITING_ACTIVATION) {
      if (!Boolean.TRUE.equals(r.reportProvisionallyNow())) {
        throw new CaseConflict("a formal loss report follows a provisional one (guide 004): the card has no provisional report;"
            + " report it by the 96102 line, a terminal or in writing, or take the provisional report in this visit"
            + " (reportProvisionallyNow)", null, "provisionalFirst");
      }
      try {
        provisional = lossReports.report(new LossReports.Report(holderId,
            old.cardNumber() != null && old.cardNumber().matches("[A-Z0-9]{9}") ? old.cardNumber() : null, old.holderName(),
            r.phone()), Channels.COUNTER, r.acceptedBy()).reportNumber();
      } catch (CaseConflict | CardNotFound e) {
        // another request for this card took the provisional report (or the reissue) at the same moment
        cases.openCaseOf(holderId, TYPE).ifPresent(open -> {
          throw reissueOpen(open);
        });
        provisional = lossReports.openReportOf(old.cardId()).orElseThrow(() -> e);
      }
    }
    String provisionalReport = provisional;
    int pickupDays = caseDeadlines.workingDays(ReissueProcess.VAR_PICKUP_DUE_AT, deadlines.getReissuePickupWorkingDays());
    WorkingDayCalendar.Result pickup = calendar.current().addWorkingDays(today, pickupDays);
    String[] certificate = new String[1];
    Map<String, Object> vars = Map.of(ReissueProcess.VAR_OLD_CARD_ID, old.cardId());
    String applicantLabel = delegate ? "delegate " + Masking.name(r.delegateName()) : "holder in person";
    String cn;
    try {
      cn = open(r, channel, old, holderId, vars, applicantLabel, now, today, pickup, certificate, files, delegate, provisionalReport,
          portrait);
    } catch (DuplicateKeyException e) {
      // V44's unique indexes: one open reissue per holder, one replacement per lost card; the other
      // request of the same moment was stored first
      if (!UniqueViolations.breaks(e, ONE_OPEN_REISSUE)
          && !UniqueViolations.breaks(e, CardLifecycle.REPLACED_ONCE)) {
        throw e;
      }
      throw reissueOpen(cases.openCaseOf(holderId, TYPE).orElse(null));
    }
    notifications.send(cn, cn + ":accepted", r.phone(), "reissue-accepted",
        Map.of("caseNumber", cn, "certificate", certificate[0], "pickupDate", pickup.date().toString(),
            "provisional", Notifications.provisionalNote(pickup.provisional(), pickup.date())));
    return new Accepted(cn, certificate[0], pickup.date().toString(), pickupDays, pickup.provisional(),
        CardState.LOST.name(), provisionalReport, portrait.source().name());
  }

  /** The unique index that holds "one open reissue per holder" (migration V44). */
  static final String ONE_OPEN_REISSUE = "card_case_one_open_reissue";

  private static CaseConflict reissueOpen(String open) {
    return open == null ? new CaseConflict("a reissue for this holder is already open", null, "reissueOpen", "")
        : new CaseConflict("a reissue for this holder is already open: " + open, open, "reissueOpen", open);
  }

  private String open(Request r, String channel, Card old, String holderId, Map<String, Object> vars, String applicantLabel,
      Instant now, LocalDate today, WorkingDayCalendar.Result pickup, String[] certificate, Map<String, byte[]> files,
      boolean delegate, String provisionalReport, Portrait portrait) {
    // the case's first audit entry says who made the report and, for a delegate, in which special circumstance
    Map<String, Object> received = new LinkedHashMap<>();
    received.put("acceptedBy", r.acceptedBy());
    received.put("applicant", r.applicant());
    received.put("portraitSource", portrait.source().name());
    if (delegate) {
      received.put("delegateCircumstance", r.delegateCircumstance());
      if (r.delegateCircumstanceNote() != null && !r.delegateCircumstanceNote().isBlank()) {
        received.put("delegateCircumstanceNote", r.delegateCircumstanceNote().strip());
      }
    }
    String sex = IdNumber.check(holderId, today).idNumber().sex().name();
    // the collection deadline goes into the process start instruction, which is written once with the case
    CaseDeadlines.Deadline pickupDue = caseDeadlines.first(ReissueProcess.VAR_PICKUP_DUE_AT, now, deadlines.getReissuePickupWorkingDays());
    Map<String, Object> variables = new HashMap<>(vars);
    variables.put(ReissueProcess.VAR_PICKUP_DUE_AT, pickupDue.dueAt().toString());
    return tx.execute(s -> {
      String number = service.open(new Cases.NewCase(TYPE, ReissueProcess.PROCESS_ID, "received", channel, old.holderName(),
          holderId, sex, r.phone(), old.issuingBank(), variables, received));
      cards.move(old.cardId(), CardState.LOST, r.acceptedBy(), channel,
          "formal loss report " + number + " accepted at the counter (" + applicantLabel + ")", "formal-loss:" + number);
      Card newCard = cards.openFor(number, holderId, old.holderName(), old.issuingBank(), old.cardId(), r.acceptedBy(), channel);
      caseDeadlines.record(number, pickupDue);
      certificate[0] = vouchers.issue(number, holderId, old.holderName(), old.cardId(), newCard.cardId(), today, pickup.date(),
          pickup.provisional(), r.acceptedBy(), now);
      files.forEach((field, bytes) -> documents.store(number, field, kindOf(field), bytes, r.acceptedBy()));
      // the replacement is made with this portrait: production sends the case's portrait to the producers
      documents.store(number, "portraitPhoto", "PORTRAIT_PHOTO", portrait.bytes(),
          portrait.source() == PortraitSource.NEW_PHOTO ? r.acceptedBy() : portrait.from());
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("applicant", r.applicant());
      data.put("acceptedBy", r.acceptedBy());
      data.put("oldCardId", old.cardId());
      data.put("newCardId", newCard.cardId());
      data.put("certificateNumber", certificate[0]);
      if (provisionalReport != null) {
        data.put("provisionalReport", provisionalReport);
      } else if (old.state() == CardState.AWAITING_ACTIVATION) {
        data.put("provisionalReport", "NOT_NEEDED: the card was never activated (the centre's rule)");
      }
      if (delegate) {
        data.put("delegateName", r.delegateName().strip());
        data.put("delegateIdNumber", IdNumber.check(r.delegateIdNumber(), today).idNumber().value());
        data.put("delegateCircumstance", r.delegateCircumstance());
        if (r.delegateCircumstanceNote() != null && !r.delegateCircumstanceNote().isBlank()) {
          data.put("delegateCircumstanceNote", r.delegateCircumstanceNote().strip());
        }
      }
      data.put("portraitSource", portrait.source().name());
      cases.putData(number, data);
      return number;
    });
  }

  /**
   * At the counter: the clerk checked the ID card of whoever collects and the certificate; the new card is handed over.
   * Guide 004: "la persona que cambió la tarjeta" collects with their own ID card and the certificate: the holder, or the
   * delegate who made the reissue ({@code idNumber} is the ID card presented).
   */
  public void pickUp(String caseNumber, Pickup p, String channel) {
    CaseRecord c = cases.find(caseNumber).filter(k -> k.caseType().equals(TYPE)).orElseThrow(() -> new CaseNotFound(caseNumber));
    Map<String, String> errors = new LinkedHashMap<>();
    if (!Channels.COUNTER.equals(channel)) {
      errors.put("channel", "the new card is handed over at a counter");
    }
    if (!Vouchers.wellFormed(p.certificateNumber())) {
      errors.put("certificateNumber", "not a pickup certificate number (LK followed by 15 digits, last one a check digit)");
    }
    if (!Boolean.TRUE.equals(p.idCardChecked())) {
      errors.put("idCardChecked", "the clerk must check the ID card of the person collecting (the holder, or the delegate who made the reissue)");
    }
    if (p.handedOverBy() == null || !p.handedOverBy().matches("[a-z0-9._-]{2,40}")) {
      errors.put("handedOverBy", "the user name of the clerk handing over the card");
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    Vouchers.Voucher v = vouchers.ofCase(caseNumber).orElseThrow(() -> new CaseNotFound(caseNumber));
    if (!v.number().equals(p.certificateNumber())) {
      throw FieldErrors.of("certificateNumber", "is not the certificate of this reissue");
    }
    String presented = p.idNumber() == null ? "" : p.idNumber().strip().toUpperCase();
    String delegateId = delegateIdNumber(caseNumber);
    String collector;
    if (c.idNumber().equals(presented)) {
      collector = "HOLDER";
    } else if (delegateId != null && delegateId.equals(presented)) {
      collector = "DELEGATE";
    } else {
      throw FieldErrors.of("idNumber", delegateId == null ? "is not the holder's ID number"
          : "is neither the holder's ID number nor that of the delegate who made the reissue");
    }
    if (inbox.known("pickup:" + caseNumber)) {
      return; // already handed over: a repeated click
    }
    // guide 004: the new card is collected after 15 working days, on the date the certificate names
    LocalDate today = LocalDate.ofInstant(clock.instant(), WorkingDayCalendar.ZONE);
    if (today.isBefore(v.pickupDate())) {
      throw new CaseConflict("the new card is collected from " + v.pickupDate() + ", the pickup date on the certificate"
          + " (15 working days after the formal report), not before; today is " + today, caseNumber, "beforePickupDate",
          v.pickupDate());
    }
    String waiting = links.find(caseNumber).map(l -> l.waitElement()).orElse(null);
    if (!ReissueProcess.WAIT_PICKUP.equals(waiting) && !ReissueProcess.WAIT_LATE_PICKUP.equals(waiting)) {
      throw new CaseConflict("the new card is not ready for pickup yet; pickup date " + v.pickupDate(), caseNumber, "notReady",
          v.pickupDate());
    }
    inbox.receive("pickup:" + caseNumber, ReissueProcess.MSG_PICKED_UP, caseNumber, channel,
        Map.of("handedOverBy", p.handedOverBy(), "collectedBy", collector));
  }

  private record Portrait(byte[] bytes, PortraitSource source, String from) {}

  /**
   * The replacement's portrait (a producer prints none without one): a new photo taken at the counter if the citizen wants one, else the photo of
   * the holder's last card (the portrait its case was made with), else the population registry's photo on file.
   */
  private Portrait portrait(byte[] newPhoto, Card old, String holderId) {
    if (newPhoto != null) {
      return new Portrait(newPhoto, PortraitSource.NEW_PHOTO, null);
    }
    // retention keeps the current card's portrait; one removed anyway (its card replaced meanwhile) is not used
    var last = old.caseNumber() == null ? Optional.<CaseDocuments.Document>empty()
        : documents.latest(old.caseNumber(), "PORTRAIT_PHOTO").filter(d -> !d.removed());
    if (last.isPresent()) {
      return new Portrait(documents.bytes(last.get().id()), PortraitSource.LAST_CARD, "card:" + old.cardId());
    }
    try {
      byte[] onFile = registry.photoOnFile(holderId);
      if (onFile != null && onFile.length > 0) {
        return new Portrait(onFile, PortraitSource.PHOTO_ON_FILE, "population-registry");
      }
    } catch (PopulationRegistry.Unavailable e) {
      throw FieldErrors.of("portraitPhoto", "the last card has no photo here and the population registry cannot be reached"
          + " now: take a photo at the counter");
    }
    throw FieldErrors.of("portraitPhoto", "the last card has no photo here and the population registry has none on file:"
        + " take a photo at the counter");
  }

  private static void circumstance(Request r, Map<String, String> errors) {
    DelegateCircumstance c = null;
    try {
      c = r.delegateCircumstance() == null ? null : DelegateCircumstance.valueOf(r.delegateCircumstance().strip());
    } catch (IllegalArgumentException e) {
      // named below
    }
    String note = r.delegateCircumstanceNote() == null ? "" : r.delegateCircumstanceNote().strip();
    if (c == null) {
      errors.put("delegateCircumstance", "a delegate reports only in special circumstances (guide 004): one of "
          + Arrays.toString(DelegateCircumstance.values()));
    } else if (c == DelegateCircumstance.OTHER && note.length() < 2) {
      errors.put("delegateCircumstanceNote", "say what the special circumstance is");
    }
    if (note.length() > 200) {
      errors.put("delegateCircumstanceNote", "at most 200 characters");
    }
  }

  /** The ID number of the delegate who made this reissue, or null if the holder made it. */
  String delegateIdNumber(String caseNumber) {
    String json = cases.data(caseNumber);
    if (json == null || json.isBlank()) {
      return null;
    }
    try {
      var node = new ObjectMapper().readTree(json).get("delegateIdNumber");
      return node == null || node.isNull() ? null : node.asText();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the data of reissue " + caseNumber + " cannot be read", e);
    }
  }

  private void file(String field, String kind, String base64, Map<String, byte[]> files, Map<String, String> errors) {
    byte[] bytes = documents.accept(field, kind, base64, errors);
    if (bytes != null) {
      files.put(field, bytes);
    }
  }

  static String kindOf(String field) {
    return switch (field) {
      case "holderIdCopy" -> "ID_CARD_COPY";
      case "delegateIdCopy" -> "DELEGATE_ID_COPY";
      default -> "REPLACEMENT_FORM";
    };
  }


  public static List<String> fields() {
    return List.of("holderIdCopy", "delegateIdCopy", "replacementForm");
  }
}
