package org.cardcase.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.ClientStatusException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cardcase.audit.AuditTrail;
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
public class TaskStore {
  private static final Logger log = LoggerFactory.getLogger(TaskStore.class);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private final JdbcClient jdbc;
  private final CamundaClient client;
  private final ObjectMapper json;
  private final TransactionTemplate tx;
  private final AuditTrail audit;

  public TaskStore(JdbcClient jdbc, CamundaClient client, ObjectMapper json, TransactionTemplate tx, AuditTrail audit) {
    this.audit = audit;
    this.jdbc = jdbc;
    this.client = client;
    this.json = json;
    this.tx = tx;
  }

  /** Records the task for a job (or re-attaches the job to it); returns the stored result if already completed. */
  public Optional<Map<String, Object>> upsert(String caseNumber, String elementId, int waitSeq, long jobKey,
      String formKey, String candidateGroup, Instant dueAt) {
    String result = jdbc.sql("""
        insert into human_task (case_number, element_id, wait_seq, job_key, form_key, candidate_group, state, due_at)
        values (?, ?, ?, ?, ?, ?, 'OPEN', ?)
        on conflict (case_number, element_id, wait_seq) do update set job_key = excluded.job_key,
          due_at = case when human_task.state = 'OPEN' then excluded.due_at else human_task.due_at end
        returning case when state = 'COMPLETED' then result::text end""")
        .params(caseNumber, elementId, waitSeq, jobKey, formKey, candidateGroup, dueAt == null ? null : Timestamp.from(dueAt))
        .query(String.class).optional().orElse(null);
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

  public Optional<HumanTask> find(long id) {
    return jdbc.sql("select * from human_task where id = ?").param(id).query(TaskStore::map).optional();
  }

  /**
   * Completes the task for a person: stored first (the system of record), then told to the engine.
   * If the engine has lost the job, the resumed case's job finds the stored result and completes.
   */
  public HumanTask complete(long id, String user, List<String> userGroups, Map<String, Object> result) {
    HumanTask t = find(id).orElseThrow(() -> new TaskNotFound(id));
    if (!userGroups.contains(t.candidateGroup())) {
      throw new TaskNotAllowed("task " + id + " belongs to group " + t.candidateGroup() + ", which you are not in", true);
    }
    if (t.assignee() != null && !t.assignee().equals(user)) {
      throw new TaskNotAllowed("task " + id + " is claimed by " + t.assignee());
    }
    Boolean done = tx.execute(s -> {
      boolean updated = jdbc.sql("""
          update human_task set state = 'COMPLETED', result = ?::jsonb, completed_by = ?, completed_at = now()
          where id = ? and state = 'OPEN'""").params(write(result), user, id).update() == 1;
      if (updated) {
        audit.append(AuditTrail.ofCase(t.caseNumber()), "task:" + id, user, null, "TASK_COMPLETED",
            Map.of("task", id, "step", t.elementId(), "result", result));
      }
      return updated;
    });
    if (!Boolean.TRUE.equals(done)) {
      throw new TaskNotAllowed("task " + id + " is already completed");
    }
    if (t.jobKey() == null || t.jobKey() == 0L) {
      return t; // an alert for a person, not backed by a job
    }
    try {
      client.newCompleteCommand(t.jobKey()).variables(result).send().join();
    } catch (ClientStatusException e) {
      log.warn("engine did not take the completion of task {} (job {}): {}; it is kept and replayed on resume",
          id, t.jobKey(), e.getStatusCode());
    }
    return t;
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

  public static class TaskNotFound extends RuntimeException {
    public TaskNotFound(long id) {
      super("no task " + id);
    }
  }

  /** Refused: either not the caller's to do at all (forbidden) or not now (claimed by another, done). */
  public static class TaskNotAllowed extends RuntimeException {
    private final boolean forbidden;

    public TaskNotAllowed(String m) {
      this(m, false);
    }

    public TaskNotAllowed(String m, boolean forbidden) {
      super(m);
      this.forbidden = forbidden;
    }

    public boolean forbidden() {
      return forbidden;
    }
  }
}
