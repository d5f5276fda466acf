package org.cardcase.models;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camunda.zeebe.model.bpmn.instance.Activity;
import io.camunda.zeebe.model.bpmn.instance.IntermediateCatchEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.cardcase.flow.CaseMigrated;
import org.cardcase.flow.CaseSteps;
import org.cardcase.flow.CurrentEngine;
import org.cardcase.flow.FormVersions;
import org.cardcase.flow.ModelVersions;
import org.cardcase.flow.ProcessCatalog;
import org.cardcase.flow.ProcessLink;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.flow.ProcessStarter;
import io.camunda.client.CamundaClient;
import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import io.camunda.zeebe.model.bpmn.instance.FlowElement;
import io.camunda.zeebe.model.bpmn.instance.Process;
import java.io.ByteArrayInputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.cardcase.audit.AuditTrail;
import org.cardcase.forms.FormDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Analysts' drafts of the next version of a process model: made from the current version or
 * uploaded, saved as they are edited (a save of an older revision is refused, so two editors never
 * overwrite each other), proposed once the server's check passes, and deployed only when a second
 * person approves. Before approval the impact is shown: how many open cases wait at each element and
 * which of those elements the draft no longer has; such a draft is refused unless each of them is
 * mapped to an element of the draft, and the cases waiting there are then moved to the new version
 * at the mapped element. Every step is in the audit trail (subject {@code model:<process>}).
 */
@Component
public class ModelDrafts {
  private static final Logger log = LoggerFactory.getLogger(ModelDrafts.class);
  /** How long an editor counts as having the draft open after its last heartbeat. */
  static final int EDITOR_SECONDS = 30;
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final ModelRules rules;
  private final ModelVersions versions;
  private final ProcessCatalog catalog;
  private final ProcessLinks links;
  private final ProcessStarter starter;
  private final CurrentEngine engine;
  private final CamundaClient client;
  private final AuditTrail audit;
  private final ApplicationEventPublisher events;
  private final CaseSteps steps;
  private final FormVersions forms;

  public ModelDrafts(FormVersions forms, CaseSteps steps, JdbcClient jdbc, TransactionTemplate tx, ModelRules rules, ModelVersions versions, ProcessCatalog catalog,
      ProcessLinks links, ProcessStarter starter, CurrentEngine engine, CamundaClient client, AuditTrail audit,
      ApplicationEventPublisher events) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.rules = rules;
    this.versions = versions;
    this.catalog = catalog;
    this.links = links;
    this.starter = starter;
    this.engine = engine;
    this.client = client;
    this.audit = audit;
    this.events = events;
    this.steps = steps;
    this.forms = forms;
  }

  /**
   * A draft of a process model ({@code kind} PROCESS, {@code processId} the process) or of a task form
   * (FORM, {@code processId} the form key, e.g. cardcase:compare-photos).
   */
  public record Draft(long id, String kind, String processId, Integer baseVersion, String fileName, int revision,
      String status, String comment, String createdBy, Instant createdAt, String savedBy, Instant savedAt,
      String decidedBy, Instant decidedAt, String decisionNote, Integer deployedVersion) {
    public boolean editable() {
      return "DRAFT".equals(status);
    }

    public boolean form() {
      return FORM.equals(kind);
    }
  }

  public static final String PROCESS = "PROCESS";
  public static final String FORM = "FORM";

  /** A change of the draft against the current version, per element. */
  public record Change(String elementId, String kind, String type, String name) {}

  /** Open cases waiting at an element of the current model, and whether the draft still has it. */
  public record Waiting(String elementId, String name, long cases, boolean kept) {}

  /** What a draft would do: its changes and the cases it touches. */
  public record Review(List<Change> changes, List<Waiting> waiting, List<ModelRules.Problem> problems) {
    public List<String> unmapped(Map<String, String> mapping) {
      return waiting.stream().filter(w -> !w.kept() && w.cases() > 0 && !mapping.containsKey(w.elementId()))
          .map(Waiting::elementId).toList();
    }
  }

  /**
   * A refusal the user can act on: {@code reason} is a translation key (models.draft.refused.*),
   * {@code detail} the value at fault.
   */
  public static class Refused extends RuntimeException {
    private final String reason;
    private final String detail;

    public Refused(String reason, String detail) {
      super(reason + (detail == null ? "" : ": " + detail));
      this.reason = reason;
      this.detail = detail;
    }

    public String reason() {
      return reason;
    }

    public String detail() {
      return detail;
    }
  }

  /** A save of a revision someone else has already saved over. */
  public static class Conflict extends Refused {
    private final Draft current;

    public Conflict(Draft current) {
      super("stale", current.savedBy());
      this.current = current;
    }

    public Draft current() {
      return current;
    }
  }

  // ---- making and editing --------------------------------------------------------------------------

  /** A new draft of a process, starting from its current version. */
  public Draft create(String processId, String account, String comment) {
    Integer base = versions.current(processId);
    if (base == null) {
      throw new Refused("unknownProcess", processId);
    }
    byte[] bpmn = versions.file(processId, base).orElseThrow();
    return insert(PROCESS, processId, base, catalog.fileOf(processId), bpmn, account, comment, "MODEL_DRAFT_CREATED");
  }

  /** A new draft of a task form, starting from its last version. */
  public Draft createForm(String formKey, String account, String comment) {
    Integer base = forms.latest(formKey).orElseThrow(() -> new Refused("unknownForm", formKey));
    return insert(FORM, formKey, base, fileOfForm(formKey), forms.file(formKey, base).orElseThrow(), account, comment,
        "FORM_DRAFT_CREATED");
  }

  /** A draft from a file (e.g. made in Camunda Desktop Modeler): it must define one process this system runs. */
  public Draft upload(byte[] bpmn, String account, String comment) {
    if (looksLikeJson(bpmn)) {
      String formKey = formKeyOf(bpmn);
      Integer base = forms.latest(formKey).orElseThrow(() -> new Refused("unknownForm", formKey));
      return insert(FORM, formKey, base, fileOfForm(formKey), bpmn, account, comment, "FORM_DRAFT_UPLOADED");
    }
    String processId = processIdOf(bpmn);
    if (catalog.fileOf(processId) == null) {
      throw new Refused("unknownProcess", processId);
    }
    return insert(PROCESS, processId, versions.current(processId), catalog.fileOf(processId), bpmn, account, comment,
        "MODEL_DRAFT_UPLOADED");
  }

  private Draft insert(String kind, String processId, Integer base, String fileName, byte[] bpmn, String account,
      String comment, String action) {
    return tx.execute(s -> {
      long id = jdbc.sql("""
          insert into model_draft (kind, process_id, base_version, file_name, bpmn, comment, created_by, saved_by)
          values (?, ?, ?, ?, ?, ?, ?, ?) returning id""").params(kind, processId, base, fileName, bpmn, comment, account, account)
          .query(Long.class).single();
      contributed(id, account);
      audit.append(subject(kind, processId), "draft:" + id + ":created", account, null, action,
          detail("draft", id, "baseVersion", base, "comment", comment));
      return find(id);
    });
  }

  /**
   * Saves an edit over the revision the editor started from; returns the new revision. Refused
   * with {@link Conflict} when someone saved meanwhile, and for anything but a draft being edited.
   */
  public Draft save(long id, byte[] bpmn, int revision, String account) {
    return tx.execute(s -> {
      Draft d = find(id);
      if (!d.editable()) {
        throw new Refused("notEditable", d.status());
      }
      String defines = d.form() ? formKeyOf(bpmn) : processIdOf(bpmn);
      if (!d.processId().equals(defines)) {
        throw new Refused(d.form() ? "otherForm" : "otherProcess", defines);
      }
      int n = jdbc.sql("""
          update model_draft set bpmn = ?, revision = revision + 1, saved_by = ?, saved_at = now()
          where id = ? and revision = ? and status = 'DRAFT'""").params(bpmn, account, id, revision).update();
      if (n == 0) {
        throw new Conflict(find(id));
      }
      contributed(id, account);
      audit.append(subject(d.kind(), d.processId()), "draft:" + id + ":saved:" + (revision + 1), account, null, "MODEL_DRAFT_SAVED",
          detail("draft", id, "revision", revision + 1, "sha256", ModelVersions.sha256(bpmn).substring(0, 12)));
      return find(id);
    });
  }

  /** Notes, in the transaction of the create or save, that this user made a revision of the draft. */
  private void contributed(long id, String account) {
    jdbc.sql("insert into model_draft_contributor (draft_id, username) values (?, ?) on conflict do nothing")
        .params(id, account).update();
  }

  /** Everyone who made the draft or saved any revision of it, by name: none of them may approve it. */
  public List<String> contributors(long id) {
    return jdbc.sql("select username from model_draft_contributor where draft_id = ? order by username").param(id)
        .query(String.class).list();
  }

  /**
   * Whether this user made the draft or saved any revision of it (not only the last): such a user is
   * one of its authors, may withdraw it, and may not be the second person who approves it.
   */
  public boolean contributedBy(long id, String account) {
    return jdbc.sql("select exists (select 1 from model_draft_contributor where draft_id = ? and username = ?)")
        .params(id, account).query(Boolean.class).single();
  }

  /** Notes that this user has the draft open; returns the others who have it open now. */
  public List<String> editing(long id, String account) {
    jdbc.sql("""
        insert into model_draft_editor (draft_id, username) values (?, ?)
        on conflict (draft_id, username) do update set seen_at = now()""").params(id, account).update();
    return jdbc.sql("""
        select username from model_draft_editor where draft_id = ? and username <> ?
          and seen_at > now() - make_interval(secs => ?) order by username""").params(id, account, EDITOR_SECONDS)
        .query(String.class).list();
  }

  /** The user closed the editor. */
  public void left(long id, String account) {
    jdbc.sql("delete from model_draft_editor where draft_id = ? and username = ?").params(id, account).update();
  }

  // ---- proposing and deciding ------------------------------------------------------------------------

  /** Asks for approval; refused while the server's check finds a problem. */
  public Draft propose(long id, String account, String comment) {
    return tx.execute(s -> {
      Draft d = find(id);
      if (!d.editable()) {
        throw new Refused("notEditable", d.status());
      }
      List<ModelRules.Problem> problems = check(d, bpmn(id));
      if (!problems.isEmpty()) {
        throw new Refused("problems", String.valueOf(problems.size()));
      }
      jdbc.sql("update model_draft set status = 'PROPOSED', comment = coalesce(?, comment) where id = ?")
          .params(blankToNull(comment), id).update();
      audit.append(subject(d.kind(), d.processId()), "draft:" + id + ":proposed:" + d.revision(), account, null, "MODEL_DRAFT_PROPOSED",
          detail("draft", id, "revision", d.revision(), "comment", comment));
      return find(id);
    });
  }

  /** Takes a proposal back for more editing (one of its authors) or turns it down (the second person). */
  public Draft reject(long id, String account, String note) {
    return tx.execute(s -> {
      Draft d = find(id);
      if (!"PROPOSED".equals(d.status())) {
        throw new Refused("notProposed", d.status());
      }
      boolean own = account.equals(d.createdBy()) || contributedBy(id, account);
      jdbc.sql("""
          update model_draft set status = ?, decided_by = ?, decided_at = now(), decision_note = ? where id = ?""")
          .params(own ? "DRAFT" : "REJECTED", own ? null : account, note, id).update();
      audit.append(subject(d.kind(), d.processId()), "draft:" + id + ":" + (own ? "withdrawn" : "rejected") + ":" + d.revision(), account,
          null, own ? "MODEL_DRAFT_WITHDRAWN" : "MODEL_DRAFT_REJECTED", detail("draft", id, "note", note));
      return find(id);
    });
  }

  /**
   * Deploys a proposed draft as the next version, approved by a second person: not who made it nor
   * anyone who saved a revision of it (an edit saved over by a colleague still counts). {@code mapping} maps each element the draft drops while cases wait there to an element
   * of the draft; those cases move to the new version there, all others stay on theirs.
   */
  public Draft approve(long id, String approver, String note, Map<String, String> mapping) {
    Map<String, String> map = mapping == null ? Map.of() : mapping;
    List<ProcessLink> moved = new ArrayList<>();
    int[] version = new int[1];
    Draft done = tx.execute(s -> {
      Draft d = find(id);
      if (!"PROPOSED".equals(d.status())) {
        throw new Refused("notProposed", d.status());
      }
      if (approver.equals(d.createdBy()) || contributedBy(id, approver)) {
        throw new Refused("ownDraft", approver);
      }
      byte[] bpmn = bpmn(id);
      Review review = review(d, bpmn);
      if (!review.problems().isEmpty()) {
        throw new Refused("problems", String.valueOf(review.problems().size()));
      }
      if (d.form()) {
        version[0] = deployForm(d, bpmn, approver, note);
        return find(id);
      }
      List<String> unmapped = review.unmapped(map);
      if (!unmapped.isEmpty()) {
        throw new Refused("unmapped", String.join(", ", unmapped));
      }
      ProcessCatalog draftModel = ProcessCatalog.on(Map.of(d.fileName(), bpmn));
      map.forEach((from, to) -> {
        if (!draftModel.has(d.processId(), to)) {
          throw new Refused("mappedToNothing", from + " → " + to);
        }
      });
      version[0] = versions.deployApproved(d.processId(), d.fileName(), bpmn, d.createdBy(), approver,
          d.comment() == null ? note : d.comment());
      markDeployed(id, approver, note, version[0]);
      audit.append(subject(d.kind(), d.processId()), "draft:" + id + ":deployed", approver, null, "MODEL_VERSION_DEPLOYED",
          detail("draft", id, "version", version[0], "author", d.createdBy(), "note", note,
              "mapping", map.isEmpty() ? null : new TreeMap<>(map).toString()));
      for (Map.Entry<String, String> m : map.entrySet()) {
        for (ProcessLink link : waitingAt(d.processId(), m.getKey())) {
          // a wait inside a called process stays at its element there, now under the mapped call activity
          String wait = link.waitElement();
          String to = wait.contains("/") ? m.getValue() + wait.substring(wait.indexOf('/')) : m.getValue();
          links.migrate(link.caseNumber(), version[0], to, !ProcessCatalog.innerElement(to).equals(ProcessCatalog.innerElement(wait)));
          audit.append(AuditTrail.ofCase(link.caseNumber()), "migrated:" + d.processId() + ":" + version[0], approver, null,
              "CASE_MIGRATED", detail("fromVersion", link.modelVersion(), "fromStep", wait, "toVersion", version[0],
                  "toStep", to));
          if (!ProcessCatalog.innerElement(to).equals(ProcessCatalog.innerElement(wait))) {
            steps.entered(link.caseNumber(), ProcessCatalog.innerElement(to));
          }
          events.publishEvent(new CaseMigrated(link.caseNumber(), ProcessCatalog.innerElement(wait),
              ProcessCatalog.innerElement(to), version[0]));
          moved.add(link);
        }
      }
      return find(id);
    });
    // after the commit: each moved case leaves its old instance and resumes at the mapped element
    for (ProcessLink link : moved) {
      try {
        if (link.processInstanceKey() != null) {
          client.newCancelInstanceCommand(link.processInstanceKey()).send().join();
        }
      } catch (RuntimeException gone) {
        log.debug("instance {} of case {} was already gone: {}", link.processInstanceKey(), link.caseNumber(), gone.toString());
      }
      links.find(link.caseNumber()).ifPresent(l -> starter.resume(l, engine.generation()).whenComplete((k, e) -> {
        if (e != null) {
          log.warn("case {} moved to {} version {} but could not be resumed yet: {}", l.caseNumber(), l.bpmnProcessId(),
              version[0], e.getMessage());
        }
      }));
    }
    log.info("draft {} of {} deployed as version {}; {} waiting case(s) moved", id, done.processId(), version[0], moved.size());
    return done;
  }

  /** Marks the draft deployed as the given version, with who approved it and their note. */
  private void markDeployed(long id, String approver, String note, int version) {
    jdbc.sql("""
        update model_draft set status = 'DEPLOYED', decided_by = ?, decided_at = now(), decision_note = ?,
          deployed_version = ? where id = ?""").params(approver, note, version, id).update();
  }

  /**
   * Keeps a form draft as the form's next version, and makes it the one new tasks show: each process
   * whose current version names the form gets a new version naming this one (its user tasks'
   * {@code formKey} becomes {@code cardcase:<form>@<version>}). Tasks already open keep the version
   * their process version names, and are checked against it.
   */
  private int deployForm(Draft d, byte[] json, String approver, String note) {
    String comment = d.comment() == null ? note : d.comment();
    int version = forms.keepApproved(d.processId(), json, d.createdBy(), approver, comment);
    Pattern named = Pattern.compile(
        "formKey=\"" + Pattern.quote(d.processId()) + "(@\\d+)?\"");
    List<String> adopted = new ArrayList<>();
    for (String processId : catalog.processIds()) {
      Integer current = versions.current(processId);
      if (current == null) {
        continue;
      }
      String xml = new String(versions.file(processId, current).orElseThrow(), StandardCharsets.UTF_8);
      Matcher m = named.matcher(xml);
      if (m.find()) {
        byte[] next = m.replaceAll("formKey=\"" + d.processId() + "@" + version + "\"").getBytes(StandardCharsets.UTF_8);
        int pv = versions.deployApproved(processId, catalog.fileOf(processId), next, d.createdBy(), approver,
            "form " + d.processId() + " version " + version + (comment == null ? "" : ": " + comment));
        audit.append(subject(PROCESS, processId), "form:" + d.processId() + ":" + version, approver, null,
            "MODEL_VERSION_DEPLOYED", detail("version", pv, "form", d.processId() + "@" + version));
        adopted.add(processId + " v" + pv);
      }
    }
    markDeployed(d.id(), approver, note, version);
    audit.append(subject(FORM, d.processId()), "draft:" + d.id() + ":deployed", approver, null, "FORM_VERSION_DEPLOYED",
        detail("draft", d.id(), "version", version, "author", d.createdBy(), "note", note, "processes", String.join(", ", adopted)));
    log.info("form {} version {} approved by {}; now named by {}", d.processId(), version, approver, adopted);
    return version;
  }

  /** Open cases waiting at the element, or inside the process it calls ("callActivity/element"). */
  private List<ProcessLink> waitingAt(String processId, String element) {
    List<ProcessLink> out = new ArrayList<>();
    for (ProcessLinks.Waiting w : links.waiting(processId)) {
      if (w.waitElement() != null && ProcessCatalog.resumeElement(w.waitElement()).equals(element)) {
        out.addAll(links.waitingAt(processId, w.waitElement()));
      }
    }
    return out;
  }

  // ---- reading -----------------------------------------------------------------------------------

  /** The changes of a draft against the current version, the cases it touches and the server's check. */
  public Review review(long id) {
    return review(find(id), bpmn(id));
  }

  private Review review(Draft d, byte[] bpmn) {
    if (d.form()) {
      return formReview(d, bpmn);
    }
    Integer current = versions.current(d.processId());
    byte[] deployed = current == null ? null : versions.file(d.processId(), current).orElse(null);
    Map<String, String[]> before = deployed == null ? Map.of() : elements(deployed, d.processId());
    Map<String, String[]> after;
    List<ModelRules.Problem> problems = rules.check(bpmn);
    try {
      after = elements(bpmn, d.processId());
    } catch (RuntimeException unreadable) {
      return new Review(List.of(), List.of(), problems);
    }
    List<Change> changes = changes(before, after);
    Map<String, Long> waitingAt = new TreeMap<>();
    for (ProcessLinks.Waiting w : links.waiting(d.processId())) {
      if (w.waitElement() != null) {
        waitingAt.merge(ProcessCatalog.resumeElement(w.waitElement()), w.cases(), Long::sum);
      }
    }
    List<Waiting> waiting = new ArrayList<>();
    waitingAt.forEach((element, n) -> waiting.add(new Waiting(element, catalog.stepName(d.processId(), element), n,
        after.containsKey(element))));
    return new Review(changes, waiting, problems);
  }

  /** What was added, changed and removed, per id: each side maps an id to {type, name, signature}. */
  private static List<Change> changes(Map<String, String[]> before, Map<String, String[]> after) {
    List<Change> out = new ArrayList<>();
    after.forEach((id, e) -> {
      String[] old = before.get(id);
      if (old == null) {
        out.add(new Change(id, "ADDED", e[0], e[1]));
      } else if (!old[2].equals(e[2])) {
        out.add(new Change(id, "CHANGED", e[0], e[1]));
      }
    });
    before.forEach((id, e) -> {
      if (!after.containsKey(id)) {
        out.add(new Change(id, "REMOVED", e[0], e[1]));
      }
    });
    return out;
  }

  /** A form draft's changes per field against the form's last version; open cases are not touched by a form. */
  private Review formReview(Draft d, byte[] json) {
    List<ModelRules.Problem> problems = check(d, json);
    if (!problems.isEmpty()) {
      return new Review(List.of(), List.of(), problems);
    }
    Map<String, String[]> before = forms.latest(d.processId()).flatMap(v -> forms.file(d.processId(), v))
        .map(ModelDrafts::components).orElse(Map.of());
    Map<String, String[]> after = components(json);
    List<Change> changes = changes(before, after);
    return new Review(changes, List.of(), problems);
  }

  /** Each component of a form by key (or id): its type, label and its JSON, to tell a change. */
  private static Map<String, String[]> components(byte[] json) {
    Map<String, String[]> out = new LinkedHashMap<>();
    try {
      for (JsonNode c : new ObjectMapper().readTree(json)
          .path("components")) {
        String key = c.path("key").asText(c.path("id").asText());
        ObjectNode copy = ((ObjectNode) c).deepCopy();
        copy.remove("layout"); // where a field sits is not what it asks
        out.put(key, new String[] {c.path("type").asText(), c.path("label").asText(null), canonical(copy)});
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
    return out;
  }

  private static String canonical(JsonNode n) {
    if (n.isObject()) {
      StringBuilder b = new StringBuilder("{");
      new TreeMap<String, JsonNode>(
          new ObjectMapper().convertValue(n, new TypeReference<Map<String, JsonNode>>() {}))
          .forEach((k, v) -> b.append(k).append(':').append(canonical(v)).append(','));
      return b.append('}').toString();
    }
    if (n.isArray()) {
      StringBuilder b = new StringBuilder("[");
      n.forEach(v -> b.append(canonical(v)).append(','));
      return b.append(']').toString();
    }
    return n.toString();
  }

  /** Each flow element of the process: its type, name and a normalised form of its XML (to tell a change). */
  private static Map<String, String[]> elements(byte[] bpmn, String processId) {
    BpmnModelInstance model = Bpmn.readModelFromStream(new ByteArrayInputStream(bpmn));
    Map<String, Element> xml = new HashMap<>();
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      NodeList all = factory.newDocumentBuilder().parse(new ByteArrayInputStream(bpmn))
          .getElementsByTagNameNS("*", "*");
      for (int i = 0; i < all.getLength(); i++) {
        Element e = (Element) all.item(i);
        if (e.hasAttribute("id")) {
          xml.putIfAbsent(e.getAttribute("id"), e);
        }
      }
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    Map<String, String[]> out = new LinkedHashMap<>();
    for (Process p : model.getModelElementsByType(Process.class)) {
      if (p.getId().equals(processId)) {
        for (FlowElement e : p.getFlowElements()) {
          out.put(e.getId(), new String[] {e.getElementType().getTypeName(), e.getName(), signatureOf(xml.get(e.getId()))});
        }
      }
    }
    return out;
  }

  /** BPMN attributes at their default value, which one file may write out and another leave out. */
  private static final Map<String, String> DEFAULTS = Map.of("cancelActivity", "true", "isInterrupting", "true",
      "isForCompensation", "false", "startQuantity", "1", "completionQuantity", "1", "parallelMultiple", "false",
      "instantiate", "false", "triggeredByEvent", "false", "isSequential", "false", "isImmediate", "true");

  /** What an element is, apart from where it is drawn (the diagram is elsewhere): its attributes and all inside it. */
  private static String signatureOf(Element e) {
    if (e == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(e.getLocalName());
    Map<String, String> attrs = new TreeMap<>();
    for (int i = 0; i < e.getAttributes().getLength(); i++) {
      String name = e.getAttributes().item(i).getLocalName() == null ? e.getAttributes().item(i).getNodeName()
          : e.getAttributes().item(i).getLocalName();
      String value = e.getAttributes().item(i).getNodeValue();
      // a modeler leaves out what is the default (cancelActivity="true"): the same element either way
      if (!value.equals(DEFAULTS.get(name))) {
        attrs.put(name, value);
      }
    }
    attrs.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
    b.append('{');
    boolean children = false;
    for (var n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c) {
        b.append(signatureOf(c));
        children = true;
      }
    }
    if (!children) {
      b.append(Objects.toString(e.getTextContent(), "").strip());
    }
    return b.append('}').toString();
  }

  /** The elements of the draft's process a waiting case can be moved to (activities and catch events), by id. */
  public List<String> elementsOf(long id) {
    Draft d = find(id);
    try {
      BpmnModelInstance model = Bpmn.readModelFromStream(new ByteArrayInputStream(bpmn(id)));
      List<String> out = new ArrayList<>();
      for (Process p : model.getModelElementsByType(Process.class)) {
        if (p.getId().equals(d.processId())) {
          p.getFlowElements().stream()
              .filter(e -> e instanceof Activity
                  || e instanceof IntermediateCatchEvent)
              .map(FlowElement::getId).sorted().forEach(out::add);
        }
      }
      return out;
    } catch (RuntimeException unreadable) {
      return List.of();
    }
  }

  /** The current version of what the draft changes (its process model or form), to compare with. */
  public Optional<byte[]> currentFile(long id) {
    Draft d = find(id);
    if (d.form()) {
      return forms.latest(d.processId()).flatMap(v -> forms.file(d.processId(), v));
    }
    Integer current = versions.current(d.processId());
    return current == null ? Optional.empty() : versions.file(d.processId(), current);
  }

  public Draft find(long id) {
    return jdbc.sql("select * from model_draft where id = ?").param(id).query(ModelDrafts::map).optional()
        .orElseThrow(() -> new Refused("notFound", String.valueOf(id)));
  }

  /** Drafts still in play (being edited or proposed) and the last decided ones, newest first. */
  public List<Draft> recent(int limit) {
    return jdbc.sql("select * from model_draft order by (status in ('DRAFT', 'PROPOSED')) desc, id desc limit ?")
        .param(limit).query(ModelDrafts::map).list();
  }

  public byte[] bpmn(long id) {
    return jdbc.sql("select bpmn from model_draft where id = ?").param(id).query(byte[].class).optional()
        .orElseThrow(() -> new Refused("notFound", String.valueOf(id)));
  }

  private static Draft map(ResultSet rs, int row) throws SQLException {
    return new Draft(rs.getLong("id"), rs.getString("kind"), rs.getString("process_id"), (Integer) rs.getObject("base_version"),
        rs.getString("file_name"), rs.getInt("revision"), rs.getString("status"), rs.getString("comment"),
        rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(), rs.getString("saved_by"),
        rs.getTimestamp("saved_at").toInstant(), rs.getString("decided_by"), instant(rs.getTimestamp("decided_at")),
        rs.getString("decision_note"), (Integer) rs.getObject("deployed_version"));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  /** The one process a model file defines; refused if it is not readable BPMN or defines none. */
  static String processIdOf(byte[] bpmn) {
    try {
      BpmnModelInstance model = Bpmn.readModelFromStream(new ByteArrayInputStream(bpmn));
      var processes = model.getModelElementsByType(Process.class);
      if (processes.size() != 1) {
        throw new Refused("oneProcess", String.valueOf(processes.size()));
      }
      return processes.iterator().next().getId();
    } catch (Refused r) {
      throw r;
    } catch (RuntimeException e) {
      throw new Refused("unreadable", e.getMessage());
    }
  }

  static String subject(String kind, String key) {
    return (FORM.equals(kind) ? "form:" : "model:") + key;
  }

  /** What stops a draft from being deployed: this system's rules for a model; for a form, what it cannot show or check. */
  private List<ModelRules.Problem> check(Draft d, byte[] content) {
    if (!d.form()) {
      return rules.check(content);
    }
    try {
      FormDefinition f = FormDefinition.of(content);
      return f.fields().isEmpty() ? List.of(new ModelRules.Problem("form-fields", null, "the form has no input field", null))
          : List.of();
    } catch (IllegalArgumentException e) {
      return List.of(new ModelRules.Problem("form-readable", null, e.getMessage(), e.getMessage()));
    }
  }

  private static boolean looksLikeJson(byte[] content) {
    for (byte b : content) {
      if (!Character.isWhitespace(b)) {
        return b == '{';
      }
    }
    return false;
  }

  /** The form a form file defines ("cardcase:" and its id); refused if it is not a form. */
  static String formKeyOf(byte[] json) {
    try {
      return "cardcase:" + FormDefinition.of(json).id();
    } catch (IllegalArgumentException e) {
      throw new Refused("unreadableForm", e.getMessage());
    }
  }

  private static String fileOfForm(String formKey) {
    return formKey.substring(formKey.indexOf(':') + 1) + ".form";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** Audit details without the empty ones. */
  private static Map<String, Object> detail(Object... kv) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        out.put((String) kv[i], kv[i + 1]);
      }
    }
    return out;
  }
}
