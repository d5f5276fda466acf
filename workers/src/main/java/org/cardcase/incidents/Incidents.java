package org.cardcase.incidents;

import io.camunda.client.CamundaClient;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.flow.CurrentEngine;
import org.cardcase.flow.ProcessLink;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.flow.StepOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Steps that failed for good (their retries ran out), kept in PostgreSQL with the case, the step,
 * the error and when, for supervisors and administrators to act on: run the step again, or cancel
 * the case with a reason. Both are audited on the case. An incident outlives the engine that
 * raised it: after a restart the resumed case runs the step again, and if it fails again the same
 * incident is raised again ({@code times}); if it succeeds, the incident is resolved by itself.
 */
@Service
public class Incidents {
  private static final Logger log = LoggerFactory.getLogger(Incidents.class);

  public enum State { OPEN, RETRYING, RESOLVED, CANCELLED }

  public record Incident(long id, String caseNumber, String processId, String elementId, String jobType, String error,
      Instant firstRaisedAt, Instant raisedAt, int times, long engineGeneration, long processInstanceKey,
      long elementInstanceKey, State state, String actedBy, Instant actedAt, String reason, Instant closedAt) {}

  /** What a person's action did, to tell them the truth about it (labels: {@code incident.result.*}). */
  public enum Result {
    /** The engine entered the step again. */
    RUNS_AGAIN,
    /** The engine that raised it was replaced: the resumed case runs the step again by itself. */
    ENGINE_RESTARTED,
    /** Stored; the engine is away, the step runs again once it is back (the sweep resumes the case). */
    SAVED_ENGINE_AWAY,
    /** The engine refused the command: nothing happened, the incident is open again. */
    ENGINE_REFUSED,
    CANCELLED,
    /** Cancelled in PostgreSQL (no resume brings it back), but the engine kept its instance. */
    CANCELLED_ENGINE_KEPT_INSTANCE
  }

  public record Outcome(Incident incident, Result result, String message) {}

  public static class IncidentNotFound extends RuntimeException {
    public IncidentNotFound(long id) {
      super("no incident " + id);
    }
  }

  /** The action does not fit the incident's state (already closed, or already retrying). */
  public static class IncidentConflict extends RuntimeException {
    public IncidentConflict(String message) {
      super(message);
    }
  }

  /**
   * Told, in the transaction that cancels a case, that it is cancelled and why (a reissue revokes its pickup
   * certificate then; kept as an interface so this package does not know the case types above it).
   */
  public interface CaseCancelled {
    void cancelled(String caseNumber, String actor, String reason);
  }

  private final JdbcClient jdbc;
  private final AuditTrail audit;
  private final ObjectProvider<CaseCancelled> cancelledListeners;
  private final TransactionTemplate tx;
  private final CamundaClient client;
  private final CurrentEngine engine;
  private final ProcessLinks links;
  private final CaseRepository cases;
  private final CardLifecycle cards;
  /** Cases with an incident not yet closed: a succeeding step looks here, not in PostgreSQL. */
  private final Set<String> live = ConcurrentHashMap.newKeySet();

  public Incidents(JdbcClient jdbc, AuditTrail audit, TransactionTemplate tx, CamundaClient client, CurrentEngine engine,
      ProcessLinks links, CaseRepository cases, CardLifecycle cards,
      ObjectProvider<CaseCancelled> cancelledListeners) {
    this.cancelledListeners = cancelledListeners;
    this.jdbc = jdbc;
    this.audit = audit;
    this.tx = tx;
    this.client = client;
    this.engine = engine;
    this.links = links;
    this.cases = cases;
    this.cards = cards;
    live.addAll(jdbc.sql("select case_number from incident where closed_at is null").query(String.class).list());
  }

  @EventListener
  public void on(StepOutcome outcome) {
    switch (outcome) {
      case StepOutcome.OutOfRetries f -> raised(f);
      case StepOutcome.Succeeded s -> {
        // every job of every case passes here: read its case number only while some incident is live
        String cn = live.isEmpty() ? null : s.caseNumber();
        if (cn != null && live.contains(cn)) {
          succeeded(cn, s.elementId());
        }
      }
    }
  }

  /** Records a raise: a new incident, or the same step's live incident raised once more. */
  void raised(StepOutcome.OutOfRetries f) {
    tx.executeWithoutResult(status -> {
      long id = jdbc.sql("""
          insert into incident (case_number, process_id, element_id, job_type, error, engine_generation,
            process_instance_key, element_instance_key, job_key)
          values (?, ?, ?, ?, ?, ?, ?, ?, ?)
          on conflict (case_number, element_id) where closed_at is null do update set
            error = excluded.error, raised_at = now(), engine_generation = excluded.engine_generation,
            process_instance_key = excluded.process_instance_key, element_instance_key = excluded.element_instance_key,
            job_key = excluded.job_key, state = 'OPEN',
            times = incident.times + case when incident.job_key = excluded.job_key then 0 else 1 end
          returning id""")
          .params(f.caseNumber(), f.processId(), f.elementId(), f.jobType(), f.error(), f.generation(),
              f.processInstanceKey(), f.elementInstanceKey(), f.jobKey())
          .query(Long.class).single();
      // one entry per failing job: a redelivered failure writes none
      audit.append(AuditTrail.ofCase(f.caseNumber()), "incident:" + id + ":job:" + f.jobKey(), "system", null,
          "INCIDENT_RAISED", Map.of("incident", id, "step", f.elementId(), "error", f.error()));
    });
    live.add(f.caseNumber());
  }

  private void succeeded(String caseNumber, String elementId) {
    tx.executeWithoutResult(status -> {
      List<Long> ids = jdbc.sql("""
          update incident set state = 'RESOLVED', closed_at = now()
          where case_number = ? and element_id = ? and closed_at is null returning id""")
          .params(caseNumber, elementId).query(Long.class).list();
      for (long id : ids) {
        audit.append(AuditTrail.ofCase(caseNumber), "incident:" + id + ":resolved", "system", null, "INCIDENT_RESOLVED",
            Map.of("incident", id, "step", elementId));
      }
    });
    if (jdbc.sql("select count(*) from incident where case_number = ? and closed_at is null").param(caseNumber)
        .query(Long.class).single() == 0) {
      live.remove(caseNumber);
    }
  }

  /** Incidents not yet closed, newest first (at most {@code limit}). */
  public List<Incident> open(int limit) {
    return jdbc.sql("select * from incident where closed_at is null order by raised_at desc, id desc limit ?")
        .param(limit).query(Incidents::map).list();
  }

  public long openCount() {
    return jdbc.sql("select count(*) from incident where closed_at is null").query(Long.class).single();
  }

  /** Every incident of a case, newest first. */
  public List<Incident> ofCase(String caseNumber) {
    return jdbc.sql("select * from incident where case_number = ? order by id desc").param(caseNumber)
        .query(Incidents::map).list();
  }

  public Incident get(long id) {
    return jdbc.sql("select * from incident where id = ?").param(id).query(Incidents::map).optional()
        .orElseThrow(() -> new IncidentNotFound(id));
  }

  /**
   * Runs the failed step again with fresh retries: the engine terminates the step that holds the
   * incident (which resolves it) and enters it again. If the engine that raised it was replaced
   * since, the resumed case already runs the step again by itself.
   */
  public Outcome retry(long id, String actor) {
    Incident i = get(id);
    if (i.closedAt() != null) {
      throw new IncidentConflict("incident " + id + " is closed (" + i.state() + ")");
    }
    if (i.state() == State.RETRYING) {
      throw new IncidentConflict("incident " + id + " is already being retried");
    }
    tx.executeWithoutResult(status -> {
      jdbc.sql("update incident set state = 'RETRYING', acted_by = ?, acted_at = now() where id = ? and closed_at is null")
          .params(actor, id).update();
      audit.append(AuditTrail.ofCase(i.caseNumber()), "incident:" + id + ":retry:" + i.times(), actor, null,
          "INCIDENT_RETRIED", Map.of("incident", id, "step", i.elementId()));
    });
    if (i.engineGeneration() != engine.generation()) {
      return new Outcome(get(id), Result.ENGINE_RESTARTED, "the engine was restarted since; the case runs the step again by itself");
    }
    if (!engine.accepting()) {
      return new Outcome(get(id), Result.SAVED_ENGINE_AWAY, "saved; the step runs again when the engine is back");
    }
    try {
      client.newModifyProcessInstanceCommand(i.processInstanceKey()).terminateElement(i.elementInstanceKey()).and()
          .activateElement(i.elementId()).send().join();
      return new Outcome(get(id), Result.RUNS_AGAIN, "the step runs again");
    } catch (RuntimeException e) {
      log.warn("incident {}: the engine did not take the retry: {}", id, e.getMessage());
      // back to open: nothing happened in the engine, the supervisor may try again
      jdbc.sql("update incident set state = 'OPEN' where id = ? and state = 'RETRYING'").param(id).update();
      return new Outcome(get(id), Result.ENGINE_REFUSED, "the engine did not take the retry: " + e.getMessage());
    }
  }

  /**
   * Cancels the case instead: its process ends, its card (if one was opened) is cancelled, the case
   * is closed as CANCELLED, and every live incident of the case is closed. The reason is required.
   */
  public Outcome cancelCase(long id, String actor, String reason) {
    if (reason == null || reason.isBlank() || reason.strip().length() < 5) {
      throw new IllegalArgumentException("reason: say why the case is cancelled (at least 5 characters)");
    }
    Incident i = get(id);
    if (i.closedAt() != null) {
      throw new IncidentConflict("incident " + id + " is closed (" + i.state() + ")");
    }
    String why = reason.strip();
    Optional<ProcessLink> link = links.find(i.caseNumber());
    tx.executeWithoutResult(status -> {
      jdbc.sql("""
          update incident set state = 'CANCELLED', acted_by = ?, acted_at = now(), reason = ?, closed_at = now()
          where case_number = ? and closed_at is null""").params(actor, why, i.caseNumber()).update();
      audit.append(AuditTrail.ofCase(i.caseNumber()), "incident:" + id + ":cancel", actor, null, "CASE_CANCELLED",
          Map.of("incident", id, "step", i.elementId(), "reason", why));
      // ended first: a resume after a restart must not give the engine the case back
      links.recordEnded(i.caseNumber());
      cards.byCase(i.caseNumber()).filter(c -> c.state().canMoveTo(CardState.CANCELLED)).ifPresent(c ->
          cards.move(c.cardId(), CardState.CANCELLED, actor, null, "case cancelled: " + why, "incident:" + id + ":cancel"));
      cancelledListeners.orderedStream().forEach(l -> l.cancelled(i.caseNumber(), actor, why));
      cases.changeStatus(i.caseNumber(), CaseStatus.CANCELLED, "incident:" + id);
      cases.close(i.caseNumber(), i.elementId());
    });
    live.remove(i.caseNumber());
    Result result = Result.CANCELLED;
    String message = "the case is cancelled";
    Long instance = link.map(ProcessLink::processInstanceKey).orElse(null);
    if (instance != null && link.get().engineGeneration() == engine.generation() && engine.accepting()) {
      try {
        client.newCancelInstanceCommand(instance).send().join();
      } catch (RuntimeException e) {
        // the case is ended in PostgreSQL: no resume brings it back; the instance stays parked at its incident
        log.warn("case {}: the engine did not cancel instance {}: {}", i.caseNumber(), instance, e.getMessage());
        result = Result.CANCELLED_ENGINE_KEPT_INSTANCE;
        message = "the case is cancelled; the engine did not end its instance (" + e.getMessage() + ")";
      }
    }
    return new Outcome(get(id), result, message);
  }

  private static Incident map(ResultSet rs, int row) throws SQLException {
    return new Incident(rs.getLong("id"), rs.getString("case_number"), rs.getString("process_id"),
        rs.getString("element_id"), rs.getString("job_type"), rs.getString("error"),
        rs.getTimestamp("first_raised_at").toInstant(), rs.getTimestamp("raised_at").toInstant(), rs.getInt("times"),
        rs.getLong("engine_generation"), rs.getLong("process_instance_key"), rs.getLong("element_instance_key"),
        State.valueOf(rs.getString("state")), rs.getString("acted_by"),
        rs.getTimestamp("acted_at") == null ? null : rs.getTimestamp("acted_at").toInstant(), rs.getString("reason"),
        rs.getTimestamp("closed_at") == null ? null : rs.getTimestamp("closed_at").toInstant());
  }
}
