package org.cardcase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.access.ApiCallLog;
import org.cardcase.audit.AuditAnchors;
import org.cardcase.documents.DecodeBudget;
import org.cardcase.security.RequestBodyLimit;
import org.cardcase.shared.Retention;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the bounds on memory and disk did, as components of /actuator/health. They report and are
 * always UP: a flood that makes the API call log drop records, or a burst of photos refused as
 * busy, says so here and in the log but does not make the application unhealthy (nor unready:
 * readiness is db, engine and search).
 */
@Configuration
public class BoundsHealth {

  /** Component {@code apiCalls}: the API call log's queue, what it wrote, what it could not record. */
  @Bean
  HealthIndicator apiCallsHealthIndicator(ApiCallLog log) {
    return () -> {
      ApiCallLog.Figures f = log.figures();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("queued", f.queued());
      d.put("capacity", f.capacity());
      d.put("written", f.written());
      d.put("inserts", f.inserts());
      d.put("dropped", f.dropped());
      d.put("lost", f.lost());
      d.put("writeFailures", f.writeFailures());
      if (f.lastWriteAt() != null) {
        d.put("lastWriteAt", f.lastWriteAt().toString());
      }
      if (f.lastFailure() != null) {
        d.put("lastFailure", f.lastFailure());
      }
      return Health.up().withDetails(d).build();
    };
  }

  /** Component {@code memoryBudgets}: request bodies and image decodes in flight, and what was refused as busy. */
  @Bean
  HealthIndicator memoryBudgetsHealthIndicator(RequestBodyLimit bodies, DecodeBudget images) {
    return () -> {
      RequestBodyLimit.Figures b = bodies.figures();
      DecodeBudget.Figures i = images.figures();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("maxBodyBytes", b.maxBodyBytes());
      body.put("budgetBytes", b.budgetBytes());
      body.put("inUseBytes", b.inUseBytes());
      body.put("refusedTooLarge", b.refusedTooLarge());
      body.put("refusedBusy", b.refusedBusy());
      Map<String, Object> img = new LinkedHashMap<>();
      img.put("budgetBytes", i.budgetBytes());
      img.put("inFlightBytes", i.inFlightBytes());
      img.put("peakBytes", i.peakBytes());
      img.put("decodes", i.decodes());
      img.put("refusedBusy", i.refused());
      return Health.up().withDetail("requestBodies", body).withDetail("imageDecodes", img).build();
    };
  }

  /** Component {@code retention}: each table's period and its last trim. */
  @Bean
  HealthIndicator retentionHealthIndicator(Retention retention) {
    return () -> {
      Map<String, Object> d = new LinkedHashMap<>();
      List<Retention.Trimmed> report = retention.report();
      for (Retention.Trimmed t : report) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keptDays", t.retention().toDays());
        if (t.at() != null) {
          m.put("lastRun", t.at().toString());
          m.put("deleted", t.deleted());
        }
        if (t.failure() != null) {
          m.put("failure", t.failure());
        }
        d.put(t.table(), m);
      }
      return Health.up().withDetails(d).build();
    };
  }

  /**
   * Component {@code auditTrail}: the last check of the anchors. DOWN (an alarm; not in readiness,
   * the system still serves) when it found the trail changed.
   */
  @Bean
  HealthIndicator auditTrailHealthIndicator(AuditAnchors anchors) {
    return () -> {
      AuditAnchors.Check c = anchors.lastCheck();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("anchorFile", anchors.file().toAbsolutePath().toString());
      if (c == null) {
        d.put("lastCheck", "not yet (nightly, or GET /api/audit/anchors/check)");
        return Health.up().withDetails(d).build();
      }
      d.put("lastCheck", c.at().toString());
      d.put("anchors", c.anchors());
      d.put("entries", c.entries());
      if (!c.intact()) {
        d.put("firstBrokenAnchor", c.firstBrokenAnchor());
        d.put("problem", c.problem());
        return Health.down().withDetails(d).build();
      }
      return Health.up().withDetails(d).build();
    };
  }
}
