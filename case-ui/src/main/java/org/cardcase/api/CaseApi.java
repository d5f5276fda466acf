package org.cardcase.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.cardcase.cases.CardApplication;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseService;
import org.cardcase.flow.ProcessCatalog;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.search.CaseHit;
import org.cardcase.search.CaseIndex;
import org.cardcase.tasks.TaskStore;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The channel API for cases. */
@RestController
public class CaseApi {
  private final CaseService service;
  private final CaseRepository cases;
  private final ProcessLinks links;
  private final ProcessCatalog catalog;
  private final TaskStore tasks;
  private final CaseIndex index;
  private final org.cardcase.cases.PersonalData personalData;
  private final org.cardcase.cards.CardLifecycle cards;
  private final org.cardcase.deadlines.CaseDeadlines caseDeadlines;
  private final org.cardcase.documents.CaseDocuments documents;

  public CaseApi(CaseService service, CaseRepository cases, ProcessLinks links, ProcessCatalog catalog, TaskStore tasks,
      CaseIndex index, org.cardcase.cases.PersonalData personalData, org.cardcase.cards.CardLifecycle cards,
      org.cardcase.deadlines.CaseDeadlines caseDeadlines, org.cardcase.documents.CaseDocuments documents) {
    this.documents = documents;
    this.cards = cards;
    this.caseDeadlines = caseDeadlines;
    this.personalData = personalData;
    this.index = index;
    this.service = service;
    this.cases = cases;
    this.links = links;
    this.catalog = catalog;
    this.tasks = tasks;
  }

  public record Created(String caseNumber, String status) {}

  public record OpenTask(String step, String stepName, Instant dueAt) {}

  public record CaseStatus(String caseNumber, String caseType, String status, String currentStep, String currentStepName,
      String channel, Instant createdAt, Instant updatedAt, Instant closedAt, List<OpenTask> openTasks, CardSummary card,
      List<DeadlineView> deadlines) {}

  public record CardSummary(String cardId, String state, String cardNumber) {}

  /** A deadline with the working days left (negative: overdue); provisional until its year's calendar is loaded. */
  public record DeadlineView(String name, Instant dueAt, int workingDaysLeft, boolean provisional) {}

  /** 201 only once the case and its process start instruction are committed to PostgreSQL. */
  @PostMapping(path = "/api/applications", consumes = "application/json")
  ResponseEntity<Created> apply(@RequestBody CardApplication body, Principal channel, HttpServletRequest req) {
    String cn = service.applyForCard(body, channel.getName());
    ApiRequests.caseNumber(req, cn);
    return ResponseEntity.created(URI.create("/api/cases/" + cn)).body(new Created(cn, "RECEIVED"));
  }

  /** Staff search across cases (name, case number, ID number), served by the search index; masked. */
  @GetMapping("/api/cases")
  List<CaseHit> search(@RequestParam(defaultValue = "") String q) {
    if (q.length() > 100) {
      throw org.cardcase.cases.FieldErrors.of("q", "at most 100 characters");
    }
    return index.search(q, 50);
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
      throw org.cardcase.cases.FieldErrors.of("reason", "say why you need the unmasked personal data (it is audited)");
    }
    if (reason.length() > 200) {
      throw org.cardcase.cases.FieldErrors.of("reason", "at most 200 characters");
    }
    return personalData.reveal(caseNumber, staff.getName(), "staff-api", reason.strip());
  }

  /** New photos for an application that was not verified; only while the case waits for them. */
  @PostMapping(path = "/api/applications/{caseNumber}/resubmission", consumes = "application/json")
  Map<String, Object> resubmit(@PathVariable String caseNumber, @RequestBody org.cardcase.cases.CaseService.Resubmission body,
      Principal channel, HttpServletRequest req) {
    ApiRequests.caseNumber(req, caseNumber);
    int round = service.resubmit(caseNumber, body, channel.getName());
    return Map.of("caseNumber", caseNumber, "verificationRound", round, "accepted", true);
  }

  /** What documents a case holds (no content); staff. */
  @GetMapping("/api/cases/{caseNumber}/documents")
  List<org.cardcase.documents.CaseDocuments.Document> documents(@PathVariable String caseNumber, HttpServletRequest req) {
    ApiRequests.caseNumber(req, caseNumber);
    cases.find(caseNumber).orElseThrow(() -> new CaseNotFound(caseNumber));
    return documents.all(caseNumber);
  }

  /** A document's content (a photo is personal data): staff, with a reason, audited like any unmasked view. */
  @GetMapping("/api/cases/{caseNumber}/documents/{documentId}/content")
  ResponseEntity<byte[]> document(@PathVariable String caseNumber, @PathVariable long documentId,
      @RequestParam(defaultValue = "") String reason, Principal staff, HttpServletRequest req) {
    ApiRequests.caseNumber(req, caseNumber);
    if (reason.isBlank()) {
      throw org.cardcase.cases.FieldErrors.of("reason", "say why you open the document (it is audited)");
    }
    var doc = documents.all(caseNumber).stream().filter(d -> d.id() == documentId).findFirst()
        .orElseThrow(() -> new CaseNotFound(caseNumber + " document " + documentId));
    byte[] bytes = personalData.openDocument(caseNumber, doc.id(), doc.kind(), staff.getName(), "staff-api", reason.strip());
    return ResponseEntity.ok().contentType(org.springframework.http.MediaType.parseMediaType(doc.contentType()))
        .header("Cache-Control", "no-store").body(bytes);
  }

  @GetMapping("/api/cases/{caseNumber}")
  CaseStatus status(@PathVariable String caseNumber, Authentication caller, HttpServletRequest req) {
    ApiRequests.caseNumber(req, caseNumber);
    CaseRecord c = cases.find(caseNumber).orElseThrow(() -> new CaseNotFound(caseNumber));
    boolean channel = caller.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_CHANNEL"));
    if (channel && !c.channel().equals(caller.getName())) {
      throw new CaseNotFound(caseNumber); // a channel sees only its own cases, and learns nothing of others
    }
    String process = links.find(caseNumber).map(l -> l.bpmnProcessId()).orElse("");
    List<OpenTask> open = tasks.open(caseNumber).stream()
        .map(t -> new OpenTask(t.elementId(), catalog.stepName(process, t.elementId()), t.dueAt())).toList();
    CardSummary card = cards.byCase(caseNumber).map(k -> new CardSummary(k.cardId(), k.state().name(),
        k.cardNumber() == null ? null : org.cardcase.privacy.Masking.cardNumber(k.cardNumber()))).orElse(null);
    List<DeadlineView> due = caseDeadlines.of(caseNumber).stream()
        .map(d -> new DeadlineView(d.name(), d.dueAt(), caseDeadlines.workingDaysLeft(d.dueAt()), d.provisional())).toList();
    return new CaseStatus(c.caseNumber(), c.caseType(), c.status(), c.currentStep(),
        catalog.stepName(process, c.currentStep()), c.channel(), c.createdAt(), c.updatedAt(), c.closedAt(), open, card, due);
  }

}
