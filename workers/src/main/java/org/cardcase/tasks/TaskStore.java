package org.cardcase.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.ClientStatusException;
import io.grpc.Status;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cases.CaseRepository;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.flow.CaseMigrated;
import org.cardcase.flow.CurrentEngine;
import org.cardcase.flow.FormVersions;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.forms.FormDefinition;
import org.cardcase.shared.FieldErrors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Human tasks. A task is identified by its case, element and the visit of that element (the
 * checkpoint sequence), so a redelivered or resumed job finds the same task instead of a copy.
 */
@Component
public class TaskStore implements CaseDeadlines.Listener {
  private static final Logger log = LoggerFactory.getLogger(TaskStore.class);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private final JdbcClient jdbc;
  private final CamundaClient client;
  private final ObjectMapper json;
  private final TransactionTemplate tx;
  private final AuditTrail audit;

  /** How long a person waits for the engine before being told their completion is saved and waits for it. */
  private static final Duration COMPLETION_WAIT = Duration.ofSeconds(3);
  private final CurrentEngine engine;

  private final CaseRepository cases;
  private final ProcessLinks links;
  private final ApplicationEventPublisher events;
  // looked up when used: the decisions' services use this store themselves
  private final ObjectProvider<AlertDecision> decisions;

  /** A case's tasks changed (created, claimed, moved, completed): the read model indexes them again. */
  public record TasksChanged(String caseNumber) {}

  /** A task with what the read model needs of its history (the dashboard's figures). */
  public record TaskHistory(long id, String caseNumber, String elementId, String processId, String candidateGroup,
      String assignee, String state, Instant createdAt, Instant dueAt, Instant claimedAt, Instant completedAt,
      String completedBy) {}

  /** Every task of these cases, open and completed. */
  public List<TaskHistory> history(List<String> caseNumbers) {
    if (caseNumbers.isEmpty()) {
      return List.of();
    }
    return jdbc.sql("""
        select id, case_number, element_id, process_id, candidate_group, assignee, state, created_at, due_at, claimed_at,
          completed_at, completed_by from human_task where case_number = any(?)""")
        .param(caseNumbers.toArray(String[]::new))
        .query((rs, i) -> new TaskHistory(rs.getLong("id"), rs.getString("case_number"), rs.getString("element_id"),
            rs.getString("process_id"), rs.getString("candidate_group"), rs.getString("assignee"), rs.getString("state"),
            instant(rs, "created_at"), instant(rs, "due_at"), instant(rs, "claimed_at"), instant(rs, "completed_at"),
            rs.getString("completed_by"))).list();
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  private final FormVersions forms;

  public TaskStore(JdbcClient jdbc, CamundaClient client, ObjectMapper json, TransactionTemplate tx, AuditTrail audit,
      CurrentEngine engine, CaseRepository cases, ProcessLinks links,
      ApplicationEventPublisher events,
      ObjectProvider<AlertDecision> decisions, FormVersions forms) {
    this.forms = forms;
    this.decisions = decisions;
    this.events = events;
    this.engine = engine;
    this.cases = cases;
    this.links = links;
    this.audit = audit;
    this.jdbc = jdbc;
    this.client = client;
    this.json = json;
    this.tx = tx;
  }

  /** Records the task for a job (or re-attaches the job to it); returns the stored result if already completed. */
  public Optional<Map<String, Object>> upsert(String caseNumber, String elementId, int waitSeq, long jobKey,
      String formKey, String candidateGroup, Instant dueAt) {
    // what the queues filter by is kept on the task, so a queue reads no other package's table
    var c = cases.get(caseNumber);
    String process = links.find(caseNumber).map(l -> l.bpmnProcessId()).orElse(null);
    String result = jdbc.sql("""
        insert into human_task (case_number, element_id, wait_seq, job_key, form_key, candidate_group, state, due_at,
          case_type, case_channel, process_id)
        values (?, ?, ?, ?, ?, ?, 'OPEN', ?, ?, ?, ?)
        on conflict (case_number, element_id, wait_seq) do update set job_key = excluded.job_key,
          due_at = case when human_task.state = 'OPEN' then excluded.due_at else human_task.due_at end,
          -- a resumed job for a task already done completes with the stored result; the sweeper
          -- makes sure of it if that completion does not reach the engine
          completion_pending = human_task.completion_pending or human_task.state = 'COMPLETED'
        returning case when state = 'COMPLETED' then result::text end""")
        .params(caseNumber, elementId, waitSeq, jobKey, formKey, candidateGroup, dueAt == null ? null : Timestamp.from(dueAt),
            c.caseType(), c.channel(), process)
        .query(String.class).optional().orElse(null);
    events.publishEvent(new TasksChanged(caseNumber));
    return Optional.ofNullable(result).map(this::read);
  }

  public List<HumanTask> open(String caseNumber) {
    return jdbc.sql("select * from human_task where case_number = ? and state = 'OPEN' order by id")
        .param(caseNumber).query(TaskStore::map).list();
  }

  public List<HumanTask> openForGroups(List<String> groups) {
    return jdbc.sql("select * from human_task where state = 'OPEN' and candidate_group in (:groups) order by due_at nulls last, id")
        .param("groups", groups).query(TaskStore::map).list();
  }

  /** An open task that showed a deadline now shows where it moved (in the caller's transaction). */
  @Override
  public void moved(String caseNumber, String deadline, Instant from, Instant to) {
    jdbc.sql("update human_task set due_at = ? where case_number = ? and state = 'OPEN' and due_at = ?")
        .params(Timestamp.from(to), caseNumber, Timestamp.from(from)).update();
    events.publishEvent(new TasksChanged(caseNumber));
  }

  /**
   * Of the given cases, those in which one of the groups has or had a task, or the person held or
   * completed one: who has worked on a case, for who may open its file.
   */
  public Set<String> workedOn(Collection<String> caseNumbers, String person, List<String> groups) {
    if (caseNumbers.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(jdbc.sql("""
        select distinct case_number from human_task where case_number = any(?)
          and (candidate_group = any(?) or assignee = ? or completed_by = ?)""")
        .params(caseNumbers.toArray(String[]::new), groups.toArray(String[]::new), person, person).query(String.class).list());
  }

  /** Who last completed the case's task at this step. */
  public Optional<String> lastCompletedBy(String caseNumber, String elementId) {
    return jdbc.sql("""
        select completed_by from human_task where case_number = ? and element_id = ? and state = 'COMPLETED'
        order by completed_at desc limit 1""").params(caseNumber, elementId).query(String.class).optional();
  }

  public Optional<HumanTask> find(long id) {
    return jdbc.sql("select * from human_task where id = ?").param(id).query(TaskStore::map).optional();
  }

  /**
   * Completes the task for a person: stored first (the system of record), then told to the engine,
   * waiting a few seconds at most. If the engine does not take it now, the completion stays pending
   * and is sent again until it does (or a resumed case's job finds the stored result): the answer
   * says which, so the person is told the truth. A result its form refuses changes nothing.
   */
  public TaskCompletion complete(long id, String account, List<String> accountGroups, Map<String, Object> result) {
    HumanTask t = find(id).orElseThrow(() -> new TaskNotFound(id));
    if (!accountGroups.contains(t.candidateGroup())) {
      throw new TaskNotAllowed("task " + id + " belongs to group " + t.candidateGroup() + ", which you are not in", true,
          "notInGroup", id, t.candidateGroup());
    }
    if (t.assignee() != null && !t.assignee().equals(account)) {
      throw new TaskNotAllowed("task " + id + " is claimed by " + t.assignee(), false, "claimedBy", id, t.assignee());
    }
    // every way of completing a task (API, workspace) is checked here, against the task's own form
    Map<String, String> errors = formOf(t).validate(result);
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    boolean backedByJob = t.backedByJob();
    Optional<AlertDecision> decision = backedByJob ? Optional.empty() : decisionFor(t.elementId());
    Boolean done = tx.execute(s -> {
      // an unclaimed task is claimed by whoever completes it (never completed with no one on it);
      // one claimed by someone else meanwhile is not completed
      boolean updated = jdbc.sql("""
          update human_task set state = 'COMPLETED', result = ?::jsonb, completed_by = ?, completed_at = now(),
            completion_pending = ?, assignee = coalesce(assignee, ?), claimed_at = coalesce(claimed_at, now())
          where id = ? and state = 'OPEN' and (assignee is null or assignee = ?)""")
          .params(write(result), account, backedByJob || decision.isPresent(), account, id, account).update() == 1;
      if (updated) {
        if (t.assignee() == null) {
          audit.append(AuditTrail.ofCase(t.caseNumber()), "task-claimed-on-completion:" + id, account, null, "TASK_CLAIMED",
              Map.of("task", id, "step", t.elementId(), "onCompletion", true));
        }
        audit.append(AuditTrail.ofCase(t.caseNumber()), "task:" + id, account, null, "TASK_COMPLETED",
            Map.of("task", id, "step", t.elementId(), "result", result));
        events.publishEvent(new TasksChanged(t.caseNumber()));
      }
      return updated;
    });
    if (!Boolean.TRUE.equals(done)) {
      HumanTask now = find(id).orElseThrow(() -> new TaskNotFound(id));
      throw now.state().equals("OPEN")
          ? new TaskNotAllowed("task " + id + " is claimed by " + now.assignee(), false, "claimedBy", id, now.assignee())
          : new TaskNotAllowed("task " + id + " is already completed", false, "completed", id);
    }
    if (!backedByJob) {
      // an alert for a person: its decision is carried out now, or by the sweeper once it can be
      return new TaskCompletion(t, decision.map(d -> act(d, t, result, account)).orElse(true));
    }
    return new TaskCompletion(t, sendCompletion(id, t.jobKey(), result));
  }

  private Optional<AlertDecision> decisionFor(String step) {
    return decisions.orderedStream().filter(d -> d.step().equals(step)).findFirst();
  }

  /** Carries out an alert's decision; true once done (never done twice: the decisions are idempotent by task). */
  private boolean act(AlertDecision d, HumanTask t, Map<String, Object> result, String account) {
    try {
      d.act(t, result, account);
      markSent(t.id());
      return true;
    } catch (RuntimeException e) {
      log.warn("case {}: the decision on alert task {} ({}) is stored but could not be carried out yet: {}; trying again",
          t.caseNumber(), t.id(), t.elementId(), e.toString());
      return false;
    }
  }

  /**
   * Closes the case's open task at this step without a decision (what it asked about is settled,
   * e.g. the card was activated while a supervisor decided about it). Returns whether one was open.
   */
  public boolean withdraw(String caseNumber, String elementId, String reason) {
    List<Long> ids = jdbc.sql("""
        update human_task set state = 'WITHDRAWN', completed_at = now(), result = ?::jsonb
        where case_number = ? and element_id = ? and state = 'OPEN' returning id""")
        .params(write(Map.of("withdrawn", reason)), caseNumber, elementId).query(Long.class).list();
    for (long id : ids) {
      audit.append(AuditTrail.ofCase(caseNumber), "task-withdrawn:" + id, "system", null, "TASK_WITHDRAWN",
          Map.of("task", id, "step", elementId, "reason", reason));
    }
    if (!ids.isEmpty()) {
      events.publishEvent(new TasksChanged(caseNumber));
    }
    return !ids.isEmpty();
  }

  /** What the case's clerks decided at each step (the last completed task there), for replaying the case. */
  public Map<String, Map<String, Object>> results(String caseNumber) {
    Map<String, Map<String, Object>> out = new HashMap<>();
    jdbc.sql("""
        select element_id, result::text from human_task where case_number = ? and state = 'COMPLETED' and result is not null
        order by completed_at""").param(caseNumber).query(rs -> {
          out.put(rs.getString(1), read(rs.getString(2)));
        });
    return out;
  }

  /** The form version the task's process version names (its form key may say "@version"). */
  public FormDefinition formOf(HumanTask t) {
    return forms.definition(t.formKey());
  }

  /** The words of the form for a value chosen in it (a decision), in the reader's language. */
  public String valueLabel(String formKey, String value, boolean chinese) {
    if (value == null || formKey == null) {
      return value == null ? "" : value;
    }
    return forms.definition(formKey).fields().stream().filter(f -> f.values().contains(value)).findFirst()
        .map(f -> FormDefinition.Field.inLanguage(f.valueLabels().get(f.values().indexOf(value)), chinese))
        .orElse(value);
  }

  /** A case moved to a new model version at another element: its task at the element it left is withdrawn. */
  @EventListener
  public void on(CaseMigrated moved) {
    if (moved.fromElement().equals(moved.toElement())) {
      return; // the same task, under another call activity: it stays
    }
    withdraw(moved.caseNumber(), moved.fromElement(), "moved to version " + moved.toVersion() + " at " + moved.toElement());
  }

  /** Tells the engine; true once it took the completion (or no longer has the job: a resume takes the stored result). */
  private boolean sendCompletion(long id, long jobKey, Map<String, Object> result) {
    if (!engine.accepting()) {
      return false;
    }
    try {
      client.newCompleteCommand(jobKey).variables(result).requestTimeout(COMPLETION_WAIT).send().join();
      markSent(id);
      return true;
    } catch (ClientStatusException e) {
      if (e.getStatusCode() == Status.Code.NOT_FOUND) {
        // the job is gone with an earlier engine: the resumed case's job finds the stored result
        markSent(id);
        return false;
      }
      log.warn("engine did not take the completion of task {} (job {}): {}; it is kept and sent again",
          id, jobKey, e.getStatusCode());
      return false;
    } catch (RuntimeException e) {
      log.warn("engine did not take the completion of task {} (job {}): {}; it is kept and sent again", id, jobKey,
          e.toString());
      return false;
    }
  }

  private void markSent(long id) {
    jdbc.sql("update human_task set completion_pending = false where id = ?").param(id).update();
  }

  /** Completions stored while the engine was away, sent again once it is back. */
  @Scheduled(fixedDelayString = "${cardcase.recovery.sweep-interval:10s}", initialDelayString = "${cardcase.recovery.sweep-interval:10s}")
  public int sendPendingCompletions() {
    int n = 0;
    for (HumanTask t : jdbc.sql("select * from human_task where completion_pending and coalesce(job_key, 0) = 0 order by id limit 200")
        .query(TaskStore::map).list()) {
      Map<String, Object> stored = jdbc.sql("select result::text as result, completed_by from human_task where id = ?")
          .param(t.id()).query().singleRow();
      Map<String, Object> result = stored.get("result") == null ? Map.of() : read((String) stored.get("result"));
      Optional<AlertDecision> d = decisionFor(t.elementId());
      if (d.isEmpty()) {
        markSent(t.id());
      } else if (act(d.get(), t, result, (String) stored.get("completed_by"))) {
        n++;
      }
    }
    if (!engine.accepting()) {
      return n;
    }
    for (HumanTask t : jdbc.sql("select * from human_task where completion_pending and job_key <> 0 order by id limit 200")
        .query(TaskStore::map).list()) {
      Map<String, Object> result = jdbc.sql("select result::text from human_task where id = ?").param(t.id())
          .query(String.class).optional().map(this::read).orElse(Map.of());
      if (sendCompletion(t.id(), t.jobKey(), result)) {
        n++;
      } else if (!engine.accepting()) {
        break;
      }
    }
    return n;
  }

  static HumanTask map(ResultSet rs, int row) throws SQLException {
    long jobKey = rs.getLong("job_key");
    Long jk = rs.wasNull() ? null : jobKey;
    Timestamp due = rs.getTimestamp("due_at");
    return new HumanTask(rs.getLong("id"), rs.getString("case_number"), rs.getString("element_id"), rs.getInt("wait_seq"),
        jk, rs.getString("form_key"), rs.getString("candidate_group"), rs.getString("assignee"), rs.getString("state"),
        due == null ? null : due.toInstant(), rs.getTimestamp("created_at").toInstant());
  }

  private String write(Map<String, Object> m) {
    try {
      return json.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private Map<String, Object> read(String s) {
    try {
      return json.readValue(s, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
