package org.cardcase.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** process_link rows: what the system needs to start, or resume, each open case's process. */
@Repository
public class ProcessLinks {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private final JdbcClient jdbc;
  private final ObjectMapper json;

  public ProcessLinks(JdbcClient jdbc, ObjectMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /**
   * Writes a new case's link whole, with everything known when the case is stored: its process,
   * the model version it is started on, its variables, and the claim of its first start (with the
   * token the instance must carry). One statement per case start; the engine's answer later adds
   * only the instance. Returns the link as {@link #find} would read it.
   */
  public ProcessLink create(String caseNumber, String bpmnProcessId, Integer modelVersion, Map<String, Object> variables) {
    String token = UUID.randomUUID().toString();
    String stored = write(variables);
    jdbc.sql("""
        insert into process_link (case_number, bpmn_process_id, model_version, variables, started_at, start_token)
        values (?, ?, ?, ?::jsonb, now(), ?)""")
        .params(caseNumber, bpmnProcessId, modelVersion, stored, token).update();
    return new ProcessLink(caseNumber, bpmnProcessId, null, null, 0, read(stored), false, 0, token, modelVersion);
  }

  /** Gives a variable the case already has a new value (a recomputed deadline); the next resume starts with it. */
  public void replaceVariable(String caseNumber, String name, String value) {
    jdbc.sql("""
        update process_link set variables = jsonb_set(variables, array[?::text], to_jsonb(?::text)), updated_at = now()
        where case_number = ? and jsonb_exists(variables, ?)""").params(name, value, caseNumber, name).update();
  }

  /** How many cases are open on each process (by the process they were started on). */
  public Map<String, Long> openCasesPerProcess() {
    Map<String, Long> out = new HashMap<>();
    jdbc.sql("select bpmn_process_id, count(*) from process_link where ended_at is null group by bpmn_process_id")
        .query(rs -> {
          out.put(rs.getString(1), rs.getLong(2));
        });
    return out;
  }

  public Optional<ProcessLink> find(String caseNumber) {
    return jdbc.sql("select * from process_link where case_number = ?").param(caseNumber).query(this::map).optional();
  }

  /**
   * Takes the right to start the case's instance and returns the link with the token the instance
   * must carry, or empty if another caller has it. A start that was claimed but never recorded (the
   * JVM died in between) can be claimed again after 30 s; an instance started with an older token
   * is a duplicate and stops itself at its first step.
   */
  public Optional<ProcessLink> claimStart(String caseNumber) {
    return jdbc.sql("""
        update process_link set started_at = now(), start_token = ?, updated_at = now()
        where case_number = ? and process_instance_key is null and ended_at is null
          and (started_at is null or started_at < now() - interval '30 seconds')
        returning *""")
        .params(UUID.randomUUID().toString(), caseNumber).query(this::map).optional();
  }

  /** The start failed before the engine took it: the sweeper may try again at once. */
  public void releaseStart(String caseNumber, String token) {
    jdbc.sql("""
        update process_link set started_at = null, updated_at = now()
        where case_number = ? and start_token = ? and process_instance_key is null""").params(caseNumber, token).update();
  }

  /** A new token for a resume: instances of the case started before it are duplicates. */
  public String newStartToken(String caseNumber) {
    String token = UUID.randomUUID().toString();
    jdbc.sql("update process_link set start_token = ?, updated_at = now() where case_number = ?").params(token, caseNumber)
        .update();
    return token;
  }

  /** Records the instance the engine started for the case (first record wins). */
  public void recordInstance(String caseNumber, long processInstanceKey, long generation) {
    jdbc.sql("""
        update process_link set process_instance_key = ?, engine_generation = ?, updated_at = now()
        where case_number = ? and process_instance_key is null""")
        .params(processInstanceKey, generation, caseNumber).update();
  }

  public void recordResumed(String caseNumber, long processInstanceKey, long generation, Integer modelVersion) {
    jdbc.sql("""
        update process_link set process_instance_key = ?, engine_generation = ?, resumed_count = resumed_count + 1,
          model_version = coalesce(?, model_version), updated_at = now()
        where case_number = ?""").params(processInstanceKey, generation, modelVersion, caseNumber).update();
  }

  /** The kept model version the case is started on, when it is not the one written with the link. */
  public void recordModelVersion(String caseNumber, int modelVersion) {
    jdbc.sql("update process_link set model_version = ?, updated_at = now() where case_number = ?")
        .params(modelVersion, caseNumber).update();
  }

  /** Open cases of a process per kept version and the element they wait at (null: not at a wait state yet). */
  public List<Waiting> waiting(String processId) {
    return jdbc.sql("""
        select model_version, wait_element, count(*) from process_link
        where ended_at is null and bpmn_process_id = ? group by model_version, wait_element order by 1, 2""")
        .param(processId).query((rs, i) -> new Waiting((Integer) rs.getObject(1), rs.getString(2), rs.getLong(3))).list();
  }

  public record Waiting(Integer modelVersion, String waitElement, long cases) {}

  /** Open cases per process and kept version ("processId/version"). */
  public Map<String, Long> openCasesPerVersion() {
    Map<String, Long> out = new HashMap<>();
    jdbc.sql("""
        select bpmn_process_id, model_version, count(*) from process_link where ended_at is null
        group by bpmn_process_id, model_version""").query(rs -> {
          out.put(rs.getString(1) + "/" + rs.getObject(2), rs.getLong(3));
        });
    return out;
  }

  /**
   * Moves a waiting case to another version of its model, waiting at the mapped element: its next
   * resume starts there (the migration of a deployment that drops the element it waits at).
   */
  public int migrate(String caseNumber, int toVersion, String toElement, boolean newWait) {
    // a new element is a new wait (its task is a new one); the same element keeps its visit and task
    return jdbc.sql("""
        update process_link set model_version = ?, wait_element = ?, wait_seq = wait_seq + ?, updated_at = now()
        where case_number = ? and ended_at is null""").params(toVersion, toElement, newWait ? 1 : 0, caseNumber).update();
  }

  /** The most recent cases of a process (open or finished), newest first. */
  public List<ProcessLink> recent(String processId, int limit) {
    return jdbc.sql("select * from process_link where bpmn_process_id = ? order by case_number desc limit ?")
        .params(processId, limit).query(this::map).list();
  }

  /** Open cases of a process waiting at an element (for a migration). */
  public List<ProcessLink> waitingAt(String processId, String waitElement) {
    return jdbc.sql("select * from process_link where ended_at is null and bpmn_process_id = ? and wait_element = ?")
        .params(processId, waitElement).query(this::map).list();
  }

  /** A new wait state was entered: remember it and the variables to resume it with. */
  public int recordWait(String caseNumber, String element, long processInstanceKey, long generation,
      Map<String, Object> variables, boolean newWait) {
    return jdbc.sql("""
        update process_link set wait_element = ?, wait_seq = wait_seq + ?, process_instance_key = ?,
          engine_generation = ?, variables = ?::jsonb, updated_at = now()
        where case_number = ? returning wait_seq""")
        .params(element, newWait ? 1 : 0, processInstanceKey, generation, write(variables), caseNumber)
        .query(Integer.class).single();
  }

  public void recordEnded(String caseNumber) {
    jdbc.sql("update process_link set ended_at = now(), updated_at = now() where case_number = ? and ended_at is null")
        .param(caseNumber).update();
  }

  /** Open cases whose instance was never started (or whose start was not recorded). */
  public List<String> unstarted() {
    return jdbc.sql("""
        select case_number from process_link where process_instance_key is null and ended_at is null
          and (started_at is null or started_at < now() - interval '30 seconds') order by case_number limit 1000""")
        .query(String.class).list();
  }

  /** Open cases whose instance lives in an earlier engine generation, after a case number (pages). */
  public List<ProcessLink> toResume(long generation, String after, int limit) {
    return jdbc.sql("""
        select * from process_link where ended_at is null and process_instance_key is not null
          and engine_generation < ? and case_number > ? order by case_number limit ?""")
        .params(generation, after, limit).query(this::map).list();
  }

  public int countToResume(long generation) {
    return jdbc.sql("""
        select count(*) from process_link where ended_at is null and process_instance_key is not null
          and engine_generation < ?""").param(generation).query(Integer.class).single();
  }

  /** Open started cases after a case number (pages), for the check against an external engine. */
  public List<ProcessLink> open(String after, int limit) {
    return jdbc.sql("""
        select * from process_link where ended_at is null and process_instance_key is not null and case_number > ?
        order by case_number limit ?""").params(after, limit).query(this::map).list();
  }

  private ProcessLink map(ResultSet rs, int row) throws SQLException {
    // wasNull() speaks of the last column read, so ask it right after reading the key
    long key = rs.getLong("process_instance_key");
    Long instance = rs.wasNull() ? null : key;
    return new ProcessLink(rs.getString("case_number"), rs.getString("bpmn_process_id"),
        instance, rs.getString("wait_element"), rs.getInt("wait_seq"), read(rs.getString("variables")),
        rs.getTimestamp("ended_at") != null, rs.getLong("engine_generation"), rs.getString("start_token"),
        (Integer) rs.getObject("model_version"));
  }

  String write(Map<String, Object> variables) {
    try {
      return json.writeValueAsString(variables);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  Map<String, Object> read(String s) {
    try {
      return json.readValue(s, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
