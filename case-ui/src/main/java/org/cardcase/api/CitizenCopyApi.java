package org.cardcase.api;

import java.security.Principal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.citizencopy.CitizenCopies;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.ReferenceData;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The citizen's own copy of their data (PIPL art. 45) through a channel that authenticated them:
 * JSON by default, a PDF with {@code Accept: application/pdf} or {@code ?format=pdf}. Needs the
 * channel's {@code own-data} scope and its signed citizen assertion; the ID number in the request
 * is only what the assertion is checked against (its {@code sub} is the number's digest), and every
 * datum is read with the number of the verified proof, so an assertion about A never yields B's
 * data. Codes come with their words in Chinese and English.
 */
@RestController
public class CitizenCopyApi {
  private final CitizenCopies copies;
  private final CitizenAssertions assertions;
  private final CitizenCopyPdf pdf;
  private final ReferenceData reference;

  public CitizenCopyApi(CitizenCopies copies, CitizenAssertions assertions, CitizenCopyPdf pdf, ReferenceData reference) {
    this.copies = copies;
    this.assertions = assertions;
    this.pdf = pdf;
    this.reference = reference;
  }

  /** No CJK font to print with: the copy is answered as JSON, and the PDF says what to configure. */
  @ExceptionHandler(CitizenCopyPdf.NoFont.class)
  ResponseEntity<Map<String, Object>> noFont(CitizenCopyPdf.NoFont e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", e.getMessage()));
  }

  @GetMapping("/api/own-data")
  ResponseEntity<?> ownData(@RequestParam(defaultValue = "") String idNumber, @RequestParam(defaultValue = "") String format,
      @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
      @RequestHeader(name = CitizenAssertions.HEADER, required = false) String assertion, Principal channel) {
    String id = idNumber.strip().toUpperCase();
    if (!id.matches("\\d{17}[\\dX]")) {
      throw FieldErrors.of("idNumber", "the citizen's 18-character ID number (the one the " + CitizenAssertions.HEADER
          + " is about)");
    }
    if (!format.isEmpty() && !format.equals("pdf") && !format.equals("json")) {
      throw FieldErrors.of("format", "json (the default) or pdf");
    }
    boolean asPdf = format.equals("pdf") || (format.isEmpty() && accept != null && accept.contains(MediaType.APPLICATION_PDF_VALUE)
        && !accept.contains(MediaType.APPLICATION_JSON_VALUE));
    if (asPdf) {
      pdf.requireFont(); // before the assertion is taken: a copy that cannot be printed costs the citizen nothing
    }
    CitizenCopies.Copy copy = copies.copyOf(assertions.verify(channel.getName(), assertion, id), asPdf ? "PDF" : "JSON");
    if (asPdf) {
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_PDF).header(HttpHeaders.CACHE_CONTROL, "no-store")
          .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"own-data-" + LocalDate.ofInstant(copy.madeAt(),
              WorkingDayCalendar.ZONE) + ".pdf\"").body(pdf.render(copy));
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.CACHE_CONTROL, "no-store")
        .body(json(copy));
  }

  Map<String, Object> json(CitizenCopies.Copy c) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("madeAt", c.madeAt());
    Map<String, Object> through = new LinkedHashMap<>();
    through.put("channel", ProgressApi.words("channel." + c.channel(), c.channel()));
    through.put("authenticatedBy", c.authenticatedBy());
    through.put("assertionId", c.assertionId());
    out.put("obtainedThrough", through);
    out.put("person", map("idNumber", c.idNumber(), "name", c.name()));
    out.put("cases", c.cases().stream().map(this::caseEntry).toList());
    out.put("cards", c.cards().stream().map(k -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("cardId", k.cardId());
      m.put("caseNumber", k.caseNumber());
      m.put("cardNumber", k.cardNumber());
      m.put("medicalInsuranceNumber", k.medicalInsuranceNumber());
      m.put("state", ProgressApi.words("card.state." + k.state(), k.state()));
      m.put("issuingBank", k.issuingBank() == null ? null : named(ReferenceData.Kind.BANK, k.issuingBank()));
      m.put("createdAt", k.createdAt());
      m.put("history", k.history().stream().map(t -> {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("at", t.at());
        h.put("from", t.from() == null ? null : ProgressApi.words("card.state." + t.from(), t.from()));
        h.put("to", ProgressApi.words("card.state." + t.to(), t.to()));
        h.put("channel", t.channel() == null ? null : ProgressApi.words("channel." + t.channel(), t.channel()));
        h.put("by", who(t.by()));
        h.put("reason", t.reason());
        return h;
      }).toList());
      return m;
    }).toList());
    out.put("family", c.family().stream().map(f -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("relationship", named(ReferenceData.Kind.RELATIONSHIP, f.relationship()));
      m.put("name", f.name());
      m.put("idNumber", f.idNumber());
      m.put("shownInFull", f.shownInFull());
      m.put("childECard", f.childECard());
      m.put("linkedAt", f.linkedAt());
      m.put("caseNumber", f.caseNumber());
      return m;
    }).toList());
    out.put("vouchers", c.vouchers().stream().map(v -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("number", v.number());
      m.put("caseNumber", v.caseNumber());
      m.put("state", v.state());
      m.put("pickupDate", v.pickupDate() == null ? null : v.pickupDate().toString());
      m.put("pickupProvisional", v.pickupProvisional());
      m.put("issuedAt", v.issuedAt());
      m.put("endedAt", v.endedAt());
      m.put("endReason", v.endReason());
      return m;
    }).toList());
    out.put("lossReports", c.lossReports().stream().map(this::caseEntry).toList());
    out.put("notifications", c.notifications().stream().map(n -> map("caseNumber", n.caseNumber(), "sentAt", n.sentAt(),
        "text", n.text())).toList());
    out.put("looks", c.looks().stream().map(l -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", l.at());
      m.put("caseNumber", l.caseNumber());
      m.put("what", ProgressApi.words("audit." + l.action(), l.action()));
      m.put("who", who(l.who()));
      m.put("via", l.via() == null ? null : ProgressApi.words("channel." + l.via(), l.via()));
      m.put("reason", l.reason());
      m.put("authenticatedBy", l.authenticatedBy());
      m.put("reference", l.reference());
      return m;
    }).toList());
    return out;
  }

  private Map<String, Object> caseEntry(CitizenCopies.CaseEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("caseNumber", e.caseNumber());
    m.put("kind", ProgressApi.words("case.type." + e.caseType(), e.caseType()));
    m.put("status", ProgressApi.words("case.status." + e.status(), e.status()));
    m.put("currentStep", ProgressApi.words("step." + e.currentStep(), e.currentStep()));
    m.put("channel", ProgressApi.words("channel." + e.channel(), e.channel()));
    m.put("openedAt", e.openedAt());
    m.put("closedAt", e.closedAt());
    m.put("steps", e.steps().stream().map(s -> map("step", ProgressApi.words("step." + s.step(), s.step()), "enteredAt",
        s.enteredAt(), "leftAt", s.leftAt())).toList());
    m.put("deadlines", e.deadlines().stream().map(d -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("deadline", ProgressApi.words("deadline." + d.name(), d.name()));
      x.put("date", d.date().toString());
      x.put("workingDaysLeft", d.workingDaysLeft());
      x.put("provisional", d.provisional());
      x.put("running", d.running());
      return x;
    }).toList());
    return m;
  }

  /** Who looked, as a citizen is told: a kind, a member of staff by roles and work groups in words, a channel by name. */
  static Map<String, Object> who(CitizenCopies.Who w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", w.kind());
    if (w.kind().equals("STAFF")) {
      m.put("roles", w.roles().stream().map(r -> ProgressApi.words("role." + r, r)).toList());
      m.put("workGroups", w.workGroups().stream().map(g -> ProgressApi.words("group." + g, g)).toList());
    }
    if (w.channel() != null) {
      m.put("channel", ProgressApi.words("channel." + w.channel(), w.channel()));
    }
    return m;
  }

  Map<String, String> named(ReferenceData.Kind kind, String code) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("code", code);
    reference.find(kind, code).ifPresentOrElse(i -> {
      m.put("zh", i.nameZh());
      m.put("en", i.nameEn());
    }, () -> {
      m.put("zh", code);
      m.put("en", code);
    });
    return m;
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
