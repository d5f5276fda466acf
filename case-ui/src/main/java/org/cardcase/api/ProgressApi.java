package org.cardcase.api;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.MedicalInsuranceNumbers;
import org.cardcase.casefile.CaseFiles;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.CaseRecord;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.IdNumber;
import org.cardcase.shared.Masking;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Progress and number lookup for citizens, through any channel (web portal, phone line, terminal):
 * the case's current step in words, its deadlines in working days, and the card's masked numbers.
 * Answered only when the ID number and the case number belong together; a wrong pair learns
 * nothing, not even which of the two was wrong. What belongs to the citizen alone (the full
 * medical insurance number, the list of their cases without a case number) needs the channel's
 * signed citizen assertion about them ({@value CitizenAssertions#HEADER} header).
 */
@RestController
public class ProgressApi {
  static final String NO_MATCH = "no case matches this ID number and case number";
  private final CaseFiles caseFiles;
  private final MedicalInsuranceNumbers numbers;
  private final CitizenAssertions assertions;
  private final Clock clock;

  public ProgressApi(CaseFiles caseFiles, MedicalInsuranceNumbers numbers, CitizenAssertions assertions,
      Clock clock) {
    this.caseFiles = caseFiles;
    this.numbers = numbers;
    this.assertions = assertions;
    this.clock = clock;
  }

  /**
   * The person's medical insurance number: in full with a valid citizen assertion about this ID
   * number, masked without one; each lookup is audited (with the assertion's id). A claim of how
   * the citizen was authenticated ({@code authenticatedBy}) is not believed: sent without an
   * assertion it is refused, so a channel that relied on it learns why it gets no full number.
   */
  @GetMapping("/api/medical-insurance-number")
  MedicalInsuranceNumbers.Lookup medicalInsuranceNumber(@RequestParam(defaultValue = "") String idNumber,
      @RequestParam(required = false) String authenticatedBy,
      @RequestHeader(name = CitizenAssertions.HEADER, required = false) String assertion, Principal channel) {
    IdNumber.Check id = IdNumber.check(idNumber, LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE)));
    if (!id.valid()) {
      throw FieldErrors.of("idNumber", String.join("; ", id.errors()));
    }
    if (assertion != null && !assertion.isBlank()) {
      return numbers.lookup(assertions.verify(channel.getName(), assertion, id.idNumber().value()));
    }
    if (authenticatedBy != null) {
      throw FieldErrors.of("authenticatedBy", "is not accepted any more: the full number needs a " + CitizenAssertions.HEADER
          + " header, a JWT the channel's identity service signed after it authenticated the citizen; without it the"
          + " number is masked");
    }
    return numbers.masked(id.idNumber().value(), channel.getName());
  }

  @GetMapping("/api/progress")
  Object progress(@RequestParam(defaultValue = "") String idNumber, @RequestParam(defaultValue = "") String caseNumber,
      @RequestHeader(name = CitizenAssertions.HEADER, required = false) String assertion, Principal channel,
      HttpServletRequest req) {
    Map<String, String> errors = new LinkedHashMap<>();
    IdNumber.Check id = IdNumber.check(idNumber, LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE)));
    if (!id.valid()) {
      errors.put("idNumber", String.join("; ", id.errors()));
    }
    boolean listAll = caseNumber.isEmpty() && assertion != null && !assertion.isBlank();
    if (listAll && errors.isEmpty()) {
      // no case number: every case of the person, for a channel that proved it authenticated them
      return caseFiles.filesOf(assertions.verify(channel.getName(), assertion, id.idNumber().value()), channel.getName()).stream()
          .map(ProgressApi::listed).toList();
    }
    if (!listAll && !caseNumber.matches("[A-Z0-9-]{4,40}")) {
      errors.put("caseNumber", "required: the case number on the receipt, e.g. SC20261122000001 (or, for every case of the"
          + " person, none and a " + CitizenAssertions.HEADER + " header)");
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    CaseFiles.CaseFile f = caseFiles.find(caseNumber).filter(k -> k.record().idNumber().equals(id.idNumber().value()))
        .orElseThrow(() -> new CaseNotFound(NO_MATCH));
    CaseRecord c = f.record();
    ApiRequests.caseNumber(req, caseNumber);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("caseNumber", c.caseNumber());
    out.put("applicantName", Masking.name(c.applicantName()));
    out.put("status", words("case.status." + c.status(), c.status().name()));
    out.put("currentStep", words("step." + c.currentStep(), c.currentStep()));
    out.put("closed", c.closedAt() != null);
    // what is ahead of the citizen: deadlines of steps already passed are not
    List<Map<String, Object>> due = f.deadlines().stream().filter(CaseFiles.DueDate::running).map(w -> {
      var d = w.deadline();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("deadline", words("deadline." + d.name(), d.name()));
      m.put("date", LocalDate.ofInstant(d.dueAt(), WorkingDayCalendar.ZONE).toString());
      m.put("workingDaysLeft", w.workingDaysLeft());
      m.put("provisional", d.provisional());
      return m;
    }).toList();
    out.put("deadlines", due);
    f.card().ifPresent(k -> {
      Map<String, Object> card = new LinkedHashMap<>();
      card.put("state", words("card.state." + k.state(), k.state().name()));
      card.put("cardNumber", k.cardNumber() == null ? null : Masking.cardNumber(k.cardNumber()));
      card.put("medicalInsuranceNumber", k.medicalInsuranceNumber() == null ? null : Masking.cardNumber(k.medicalInsuranceNumber()));
      out.put("card", card);
    });
    return out;
  }

  /**
   * One of the person's cases in their list: its number, kind, status and step in words, the dates
   * (opened, closed, and the next date ahead with whether it is provisional) and the card's state and
   * masked number; nothing more of anyone's personal data (the list is for the channel's screen).
   */
  static Map<String, Object> listed(CaseFiles.CaseFile f) {
    CaseRecord c = f.record();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("caseNumber", c.caseNumber());
    m.put("caseType", c.caseType());
    m.put("kind", words("case.type." + c.caseType(), c.caseType()));
    m.put("status", words("case.status." + c.status(), c.status().name()));
    m.put("currentStep", words("step." + c.currentStep(), c.currentStep()));
    m.put("openedAt", c.createdAt());
    m.put("openedOn", LocalDate.ofInstant(c.createdAt(), WorkingDayCalendar.ZONE).toString());
    m.put("closed", f.closed());
    m.put("closedOn", c.closedAt() == null ? null : LocalDate.ofInstant(c.closedAt(), WorkingDayCalendar.ZONE).toString());
    m.put("nextDate", f.deadlines().stream().filter(CaseFiles.DueDate::running)
        .min(Comparator.comparing(w -> w.deadline().dueAt())).map(w -> {
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("deadline", words("deadline." + w.deadline().name(), w.deadline().name()));
          d.put("date", LocalDate.ofInstant(w.deadline().dueAt(), WorkingDayCalendar.ZONE).toString());
          d.put("workingDaysLeft", w.workingDaysLeft());
          d.put("provisional", w.deadline().provisional());
          return d;
        }).orElse(null));
    m.put("card", f.card().map(k -> {
      Map<String, Object> card = new LinkedHashMap<>();
      card.put("state", words("card.state." + k.state(), k.state().name()));
      card.put("cardNumber", k.cardNumber() == null ? null : Masking.cardNumber(k.cardNumber()));
      return card;
    }).orElse(null));
    return m;
  }

  /** The code with its words in Chinese and English, from the workspace's translations. */
  static Map<String, String> words(String key, String code) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("code", code);
    m.put("zh", text(key, Locale.SIMPLIFIED_CHINESE, code));
    m.put("en", text(key, Locale.ENGLISH, code));
    return m;
  }

  private static String text(String key, Locale locale, String fallback) {
    try {
      return ResourceBundle.getBundle("vaadin-i18n/translations", locale,
          ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES)).getString(key);
    } catch (MissingResourceException e) {
      return fallback;
    }
  }
}
