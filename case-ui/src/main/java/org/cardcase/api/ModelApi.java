package org.cardcase.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cardcase.models.ModelRules;
import org.cardcase.shared.FieldErrors;
import java.security.Principal;
import org.cardcase.models.ModelDrafts;
import org.cardcase.trial.DraftTrials;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Checks a BPMN model (made in Camunda Desktop Modeler or by hand) against what this system needs
 * before it could be deployed: the engine's design-time validation and this system's rules, each
 * problem at its element; and the drafts of new versions, from the first save to a second person's
 * approval and deployment. Analysts and administrators.
 */
@RestController
public class ModelApi {
  /** Larger than any model of these processes by far; a bigger upload is refused before it is parsed. */
  static final int MAX_BYTES = 2 * 1024 * 1024;
  private final ModelRules rules;
  private final ModelDrafts drafts;
  private final DraftTrials trials;

  public ModelApi(ModelRules rules, ModelDrafts drafts, DraftTrials trials) {
    this.rules = rules;
    this.drafts = drafts;
    this.trials = trials;
  }

  /** Tries a process draft on the most recent cases of its process on a scratch engine (up to a minute). */
  @PostMapping("/api/models/drafts/{id}/trial")
  DraftTrials.Trial trial(@PathVariable long id, Principal user) {
    return trials.run(id, user.getName());
  }

  public record Check(boolean deployable, List<ModelRules.Problem> problems) {}

  @PostMapping(value = "/api/models/check", consumes = {"application/xml", "text/xml", "application/octet-stream"})
  Check check(@RequestBody(required = false) byte[] bpmn) {
    if (bpmn == null || bpmn.length == 0) {
      throw FieldErrors.of("model", "send the .bpmn file as the request body");
    }
    if (bpmn.length > MAX_BYTES) {
      throw FieldErrors.of("model", "at most " + MAX_BYTES / 1024 + " KB");
    }
    List<ModelRules.Problem> problems = rules.check(bpmn);
    return new Check(problems.isEmpty(), problems);
  }

  /** The job types this system has workers for (what a service task may name). */
  @GetMapping("/api/models/job-types")
  Set<String> jobTypes() {
    return rules.jobTypes();
  }

  // ---- drafts: analysts edit and propose, a second person (analyst or administrator) approves ----

  /** A draft's state and what it would do: its changes, the cases waiting at each element, the server's check. */
  public record DraftView(ModelDrafts.Draft draft, ModelDrafts.Review review) {}

  /** A new draft of a process ({@code processId}) or of a task form ({@code formKey}, e.g. cardcase:compare-photos). */
  public record NewDraft(String processId, String formKey, String comment) {}

  public record Decision(String note, Map<String, String> mapping) {}

  @GetMapping("/api/models/drafts")
  List<ModelDrafts.Draft> drafts() {
    return drafts.recent(200);
  }

  /** A new draft from a process's current version. */
  @PostMapping(value = "/api/models/drafts", consumes = "application/json")
  ResponseEntity<ModelDrafts.Draft> create(@RequestBody NewDraft body, Principal user) {
    if (body != null && body.formKey() != null && !body.formKey().isBlank()) {
      return ResponseEntity.status(HttpStatus.CREATED).body(drafts.createForm(body.formKey().strip(), user.getName(), body.comment()));
    }
    if (body == null || body.processId() == null || body.processId().isBlank()) {
      throw FieldErrors.of("processId", "required (or formKey for a form)");
    }
    return ResponseEntity.status(HttpStatus.CREATED).body(drafts.create(body.processId().strip(), user.getName(), body.comment()));
  }

  /** A new draft from a .bpmn file (e.g. made in Camunda Desktop Modeler), sent as the body. */
  @PostMapping(value = "/api/models/drafts", consumes = {"application/xml", "text/xml", "application/octet-stream"})
  ResponseEntity<ModelDrafts.Draft> upload(@RequestBody(required = false) byte[] bpmn,
      @RequestParam(required = false) String comment, Principal user) {
    return ResponseEntity.status(HttpStatus.CREATED).body(drafts.upload(model(bpmn), user.getName(), comment));
  }

  @GetMapping("/api/models/drafts/{id}")
  DraftView draft(@PathVariable long id) {
    return new DraftView(drafts.find(id), drafts.review(id));
  }

  /** The draft's file: BPMN XML for a process, form-js JSON for a form. */
  @GetMapping("/api/models/drafts/{id}/file")
  ResponseEntity<byte[]> draftFile(@PathVariable long id) {
    ModelDrafts.Draft d = drafts.find(id);
    return ResponseEntity.ok().contentType(d.form() ? MediaType.APPLICATION_JSON
        : MediaType.APPLICATION_XML).body(drafts.bpmn(id));
  }

  /** Saves an edit over {@code revision}; 409 with who saved meanwhile when it is not the latest. */
  @PutMapping(value = "/api/models/drafts/{id}/file", consumes = {"application/xml", "text/xml", "application/json",
      "application/octet-stream"})
  ModelDrafts.Draft save(@PathVariable long id, @RequestParam int revision, @RequestBody(required = false) byte[] bpmn,
      Principal user) {
    return drafts.save(id, model(bpmn), revision, user.getName());
  }

  @PostMapping("/api/models/drafts/{id}/proposal")
  ModelDrafts.Draft propose(@PathVariable long id, @RequestBody(required = false) Decision body, Principal user) {
    return drafts.propose(id, user.getName(), body == null ? null : body.note());
  }

  @PostMapping("/api/models/drafts/{id}/approval")
  ModelDrafts.Draft approve(@PathVariable long id, @RequestBody(required = false) Decision body, Principal user) {
    return drafts.approve(id, user.getName(), body == null ? null : body.note(), body == null ? null : body.mapping());
  }

  @PostMapping("/api/models/drafts/{id}/rejection")
  ModelDrafts.Draft reject(@PathVariable long id, @RequestBody(required = false) Decision body, Principal user) {
    return drafts.reject(id, user.getName(), body == null ? null : body.note());
  }

  private static byte[] model(byte[] bpmn) {
    if (bpmn == null || bpmn.length == 0) {
      throw FieldErrors.of("model", "send the .bpmn file as the request body");
    }
    if (bpmn.length > MAX_BYTES) {
      throw FieldErrors.of("model", "at most " + MAX_BYTES / 1024 + " KB");
    }
    return bpmn;
  }

  /** A refused step on a draft: 409 for a stale save (with who saved), 404 for no such draft, 400 otherwise. */
  @ExceptionHandler(ModelDrafts.Refused.class)
  ResponseEntity<Map<String, Object>> refused(ModelDrafts.Refused e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", REASONS.getOrDefault(e.reason(), e.reason()) + (e.detail() == null ? "" : ": " + e.detail()));
    body.put("reason", e.reason());
    HttpStatus status = HttpStatus.BAD_REQUEST;
    if (e instanceof ModelDrafts.Conflict c) {
      body.put("savedBy", c.current().savedBy());
      body.put("savedAt", c.current().savedAt().toString());
      body.put("revision", c.current().revision());
      status = HttpStatus.CONFLICT;
    } else if ("notFound".equals(e.reason())) {
      status = HttpStatus.NOT_FOUND;
    } else if ("ownDraft".equals(e.reason())) {
      status = HttpStatus.FORBIDDEN;
    } else if (!BAD_INPUT.contains(e.reason())) {
      status = HttpStatus.CONFLICT; // the draft's state or the cases waiting do not allow it now
    }
    return ResponseEntity.status(status).body(body);
  }

  /** Refusals of what was sent (400); any other refusal is of what the draft or its cases are now (409). */
  private static final Set<String> BAD_INPUT = Set.of("unreadable", "oneProcess", "unknownProcess", "otherProcess",
      "mappedToNothing", "unknownForm", "otherForm", "unreadableForm");

  private static final Map<String, String> REASONS = Map.ofEntries(
      Map.entry("stale", "someone saved this draft after the revision you edited; reload it"),
      Map.entry("notFound", "no such draft"),
      Map.entry("notEditable", "the draft is no longer being edited"),
      Map.entry("notProposed", "the draft is not proposed"),
      Map.entry("ownDraft", "a second person must approve: you made this draft or saved a revision of it"),
      Map.entry("problems", "the model has problems that stop its deployment; see the check"),
      Map.entry("unmapped", "open cases wait at elements this version no longer has; map each to an element of the draft"),
      Map.entry("mappedToNothing", "mapped to an element the draft does not have"),
      Map.entry("unknownProcess", "not a process this system runs"),
      Map.entry("otherProcess", "the file defines another process than the draft"),
      Map.entry("oneProcess", "the file must define exactly one process"),
      Map.entry("unreadable", "not a BPMN 2.0 model"),
      Map.entry("notAProcess", "only a process draft can be tried on cases"),
      Map.entry("unknownForm", "not a form this system has"),
      Map.entry("otherForm", "the file defines another form than the draft"),
      Map.entry("unreadableForm", "not a form-js form this system can show and check"));
}
