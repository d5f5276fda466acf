package org.cardcase.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.cardcase.access.Accounts;
import org.cardcase.application.CardApplication;
import org.cardcase.application.CardApplications;
import org.cardcase.casefile.CaseAccess;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.Cases;
import org.cardcase.casefile.CaseFiles;
import org.cardcase.cases.PersonalData;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.search.CaseHit;
import org.cardcase.search.CaseSearches;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.Masking;
import org.cardcase.tasks.TaskQueue;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The channel API for cases. */
@RestController
public class CaseApi {
  private final CardApplications service;
  private final Cases cases;
  private final CaseFiles caseFiles;
  private final CaseSearches index;
  private final PersonalData personalData;
  private final CaseDocuments documents;
  private final CaseAccess access;
  private final Accounts accounts;

  /** A member of staff opens a file only of a case their work groups handle (403 otherwise, audited). */
  private void staffMayOpen(String caseNumber, Principal caller) {
    var a = accounts.find(caller.getName()).filter(x -> "STAFF".equals(x.kind()));
    if (a.isPresent()) {
      access.require(caseNumber, new TaskQueue.Person(a.get().name(), a.get().roles(), a.get().groups()),
          "staff-api");
    }
  }

  /** 404 for a case that does not exist, before any access check (which would audit a look at nothing). */
  private void existing(String caseNumber) {
    cases.find(caseNumber).orElseThrow(() -> new CaseNotFound(caseNumber));
  }

  public CaseApi(CardApplications service, Cases cases, CaseFiles caseFiles, CaseSearches index,
      PersonalData personalData, CaseDocuments documents,
      CaseAccess access, Accounts accounts) {
    this.access = access;
    this.accounts = accounts;
    this.service = service;
    this.cases = cases;
    this.caseFiles = caseFiles;
    this.index = index;
    this.personalData = personalData;
    this.documents = documents;
  }

  public record Created(String caseNumber, String status) {}

  public record OpenTask(String step, String stepName, Instant dueAt) {}

  public record CaseStatus(String caseNumber, String caseType, String status, String currentStep, String currentStepName,
      String channel, Instant createdAt, Instant updatedAt, Instant closedAt, List<OpenTask> openTasks, CardSummary card,
      List<DeadlineView> deadlines) {}

  public record CardSummary(String cardId, String state, String cardNumber) {}

  /**
   * A deadline with the working days left (negative: overdue); provisional until its year's calendar
   * is loaded; running while the step the case waits at reads it (false: a step already passed).
   */
  public record DeadlineView(String name, Instant dueAt, int workingDaysLeft, boolean provisional, boolean running) {}

  /** 201 only once the case and its process start instruction are committed to PostgreSQL. */
  @PostMapping(path = "/api/applications", consumes = "application/json")
  ResponseEntity<Created> apply(@RequestBody CardApplication body, Principal channel, HttpServletRequest req) {
    String cn = service.submit(body, channel.getName());
    ApiRequests.caseNumber(req, cn);
    return ResponseEntity.created(URI.create("/api/cases/" + cn)).body(new Created(cn, "RECEIVED"));
  }

  /** Staff search across cases (name, case number, ID number), served by the search index; masked. */
  @GetMapping("/api/cases")
  List<CaseHit> search(@RequestParam(defaultValue = "") String q, Principal staff) {
    if (q.length() > 100) {
      throw FieldErrors.of("q", "at most 100 characters");
    }
    return index.search(staff.getName(), "api", q, 50);
  }

  /**
   * The applicant's personal data in full, for staff whose work needs it. Every call is in the
   * case's audit trail, with who asked and the reason they gave.
   */
  @GetMapping("/api/cases/{caseNumber}/personal-data")
  Map<String, Object> personalData(@PathVariable String caseNumber, @RequestParam(defaultValue = "") String reason,
      Principal staff, HttpServletRequest req) {
    ApiRequests.caseNumber(req, caseNumber);
    if (reason.isBlank()) {
      throw FieldErrors.of("reason", "say why you need the unmasked personal data (it is audited)");
    }
    if (reason.length() > 200) {
      throw FieldErrors.of("reason", "at most 200 characters");
    }
    existing(caseNumber);
    staffMayOpen(caseNumber, staff);
    return personalData.reveal(caseNumber, staff.getName(), "staff-api", reason.strip());
  }

  /** New photos for an application that was not verified; only while the case waits for them. */
  @PostMapping(path = "/api/applications/{caseNumber}/resubmission", consumes = "application/json")
  Map<String, Object> resubmit(@PathVariable String caseNumber, @RequestBody CardApplications.Resubmission body,
      Principal channel, HttpServletRequest req) {
    ApiRequests.caseNumber(req, caseNumber);
    int round = service.resubmit(caseNumber, body, channel.getName());
    return Map.of("caseNumber", caseNumber, "verificationRound", round, "accepted", true);
  }

  /** What documents a case holds (no content); staff. */
  @GetMapping("/api/cases/{caseNumber}/documents")
  List<CaseDocuments.Document> documents(@PathVariable String caseNumber, Principal caller,
      HttpServletRequest req) {
    ApiRequests.caseNumber(req, caseNumber);
    existing(caseNumber);
    staffMayOpen(caseNumber, caller);
    return documents.all(caseNumber);
  }

  /** A document's content (a photo is personal data): staff, with a reason, audited like any unmasked view. */
  @GetMapping("/api/cases/{caseNumber}/documents/{documentId}/content")
  ResponseEntity<byte[]> document(@PathVariable String caseNumber, @PathVariable long documentId,
      @RequestParam(defaultValue = "") String reason, Principal staff, HttpServletRequest req) {
    ApiRequests.caseNumber(req, caseNumber);
    if (reason.isBlank()) {
      throw FieldErrors.of("reason", "say why you open the document (it is audited)");
    }
    existing(caseNumber);
    staffMayOpen(caseNumber, staff);
    var doc = documents.all(caseNumber).stream().filter(d -> d.id() == documentId).findFirst()
        .orElseThrow(() -> new CaseNotFound(caseNumber + " document " + documentId));
    if (doc.removed()) {
      throw new ResponseStatusException(HttpStatus.GONE,
          "removed after the retention period on " + LocalDate.ofInstant(doc.removedAt(),
              ZoneId.of("Asia/Shanghai")) + " (" + doc.removedReason() + ")");
    }
    byte[] bytes = personalData.openDocument(caseNumber, doc.id(), doc.kind(), staff.getName(), "staff-api", reason.strip());
    return ResponseEntity.ok().contentType(MediaType.parseMediaType(doc.contentType()))
        .header("Cache-Control", "no-store").body(bytes);
  }

  @GetMapping("/api/cases/{caseNumber}")
  CaseStatus status(@PathVariable String caseNumber, Authentication caller, HttpServletRequest req) {
    ApiRequests.caseNumber(req, caseNumber);
    CaseFiles.CaseFile f = caseFiles.find(caseNumber).orElseThrow(() -> new CaseNotFound(caseNumber));
    CaseRecord c = f.record();
    boolean channel = caller.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_CHANNEL"));
    if (channel && !c.channel().equals(caller.getName())) {
      throw new CaseNotFound(caseNumber); // a channel sees only its own cases, and learns nothing of others
    }
    if (!channel) {
      staffMayOpen(caseNumber, caller);
    }
    List<OpenTask> open = f.openTasks().stream()
        .map(t -> new OpenTask(t.task().elementId(), t.stepName(), t.task().dueAt())).toList();
    CardSummary card = f.card().map(k -> new CardSummary(k.cardId(), k.state().name(),
        k.cardNumber() == null ? null : Masking.cardNumber(k.cardNumber()))).orElse(null);
    List<DeadlineView> due = f.deadlines().stream().map(d -> new DeadlineView(d.deadline().name(), d.deadline().dueAt(),
        d.workingDaysLeft(), d.deadline().provisional(), d.running())).toList();
    return new CaseStatus(c.caseNumber(), c.caseType(), c.status().name(), c.currentStep(), f.currentStepName(), c.channel(),
        c.createdAt(), c.updatedAt(), c.closedAt(), open, card, due);
  }


}
