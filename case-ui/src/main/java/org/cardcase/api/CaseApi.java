package org.cardcase.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
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

  public CaseApi(CaseService service, CaseRepository cases, ProcessLinks links, ProcessCatalog catalog, TaskStore tasks,
      CaseIndex index) {
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
      String channel, Instant createdAt, Instant updatedAt, Instant closedAt, List<OpenTask> openTasks) {}

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
    return new CaseStatus(c.caseNumber(), c.caseType(), c.status(), c.currentStep(),
        catalog.stepName(process, c.currentStep()), c.channel(), c.createdAt(), c.updatedAt(), c.closedAt(), open);
  }

}
