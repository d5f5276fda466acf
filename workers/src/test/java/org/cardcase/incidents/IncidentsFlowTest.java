package org.cardcase.incidents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camunda.zeebe.protocol.record.Record;
import io.camunda.zeebe.protocol.record.ValueType;
import io.camunda.zeebe.protocol.record.intent.IncidentIntent;
import org.cardcase.FlowTest;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseStatus;
import org.cardcase.flow.EngineGenerations;
import org.cardcase.flow.EngineSupervisor;
import org.cardcase.flow.ProcessLinks;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Steps that failed for good, as a supervisor meets them: recorded with case, step and error; a
 * retry runs the step again (and the incident resolves itself when it then succeeds); an incident
 * survives an engine restart; cancelling the case ends it for good.
 */
class IncidentsFlowTest extends FlowTest {
  @Autowired Incidents incidents;
  @Autowired EngineSupervisor supervisor;
  @Autowired ProcessLinks links;
  @Autowired EngineGenerations generations;

  Incidents.Incident incidentOf(String cn) {
    return incidents.open(1000).stream().filter(i -> i.caseNumber().equals(cn)).findFirst().orElse(null);
  }

  @Test
  void aRetryAfterTheOutageEndsRunsTheStepAndResolvesTheIncident() throws Exception {
    // the registry is down for the step's three attempts, then back
    String cn = apply("令狐冲", id("19910303", "996"), null);
    await("incident recorded", () -> incidentOf(cn) != null);
    Incidents.Incident i = incidentOf(cn);
    assertThat(i.elementId()).isEqualTo("query-registry");
    assertThat(i.error()).contains("timeout");
    assertThat(i.state()).isEqualTo(Incidents.State.OPEN);
    assertThat(i.times()).isEqualTo(1);
    assertThat(card(cn).state()).isEqualTo(CardState.APPLIED);
    assertThat(actions(cn)).containsOnlyOnce("INCIDENT_RAISED");

    Incidents.Outcome o = incidents.retry(i.id(), "supervisor");
    assertThat(o.result()).isEqualTo(Incidents.Result.RUNS_AGAIN);
    assertThatThrownBy(() -> incidents.retry(i.id(), "supervisor")).isInstanceOf(Incidents.IncidentConflict.class);

    await("verified after the retry", () -> card(cn).state().ordinal() >= CardState.IN_PRODUCTION.ordinal());
    await("incident resolved by itself", () -> incidents.get(i.id()).state() == Incidents.State.RESOLVED);
    assertThat(incidents.get(i.id()).closedAt()).isNotNull();
    assertThat(incidents.get(i.id()).actedBy()).isEqualTo("supervisor");
    assertThat(actions(cn)).contains("INCIDENT_RAISED", "INCIDENT_RETRIED", "INCIDENT_RESOLVED", "REGISTRY_CHECKED");
    // the engine's incident was resolved by the retry, not left behind
    assertThat(engine.recordStream().getRecords()).anyMatch(r -> isIncident(r, IncidentIntent.RESOLVED));
  }

  @Test
  void anIncidentSurvivesARestartAndCancellingTheCaseEndsItForGood() throws Exception {
    String cn = apply("任盈盈", id("19920404", "995"), null);
    await("incident recorded", () -> incidentOf(cn) != null);
    Incidents.Incident first = incidentOf(cn);
    long generation = first.engineGeneration();

    // a restart: the engine loses its incident; the resumed case runs the step again, and it fails again
    supervisor.replace("incident test");
    await("raised again by the new engine", () -> incidentOf(cn) != null && incidentOf(cn).engineGeneration() > generation);
    Incidents.Incident again = incidentOf(cn);
    assertThat(again.id()).as("the same incident, raised again").isEqualTo(first.id());
    assertThat(again.times()).isEqualTo(2);
    assertThat(again.firstRaisedAt()).isEqualTo(first.firstRaisedAt());

    assertThatThrownBy(() -> incidents.cancelCase(again.id(), "supervisor", " no ")).isInstanceOf(IllegalArgumentException.class);
    assertThat(cases.get(cn).closedAt()).as("a refused cancellation changes nothing").isNull();

    Incidents.Outcome o = incidents.cancelCase(again.id(), "supervisor", "registry record under dispute");
    assertThat(o.result()).isEqualTo(Incidents.Result.CANCELLED);
    assertThat(o.incident().state()).isEqualTo(Incidents.State.CANCELLED);
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.CANCELLED);
    assertThat(cases.get(cn).closedAt()).isNotNull();
    assertThat(card(cn).state()).isEqualTo(CardState.CANCELLED);
    assertThat(links.find(cn).orElseThrow().ended()).isTrue();
    assertThat(audit.entries(AuditTrail.ofCase(cn))).anyMatch(e -> e.action().equals("CASE_CANCELLED")
        && e.actor().equals("supervisor") && "registry record under dispute".equals(e.detail().get("reason")));
    assertThat(incidentOf(cn)).isNull();
    assertThatThrownBy(() -> incidents.retry(again.id(), "supervisor")).isInstanceOf(Incidents.IncidentConflict.class);

    // the next restart does not give the cancelled case back to the engine
    long linkGeneration = links.find(cn).orElseThrow().engineGeneration();
    supervisor.replace("incident test, again");
    // the new generation's resume pass has ended (its row has resumed_at): every case it gives back is given back
    await("resumed the open cases", () -> !supervisor.status().resuming() && supervisor.status().generation() > linkGeneration
        && resumeEnded(supervisor.status().generation()));
    assertThat(links.find(cn).orElseThrow().engineGeneration()).as("not resumed").isEqualTo(linkGeneration);
    assertThat(incidents.ofCase(cn)).singleElement().satisfies(i -> {
      assertThat(i.state()).isEqualTo(Incidents.State.CANCELLED);
      assertThat(i.times()).isEqualTo(2);
    });
  }

  /** The resume of this engine generation's open cases has ended (set when the pass ends, not when it starts). */
  boolean resumeEnded(long generation) {
    return generations.recent(10).stream().anyMatch(g -> g.generation() == generation && g.resumedAt() != null);
  }

  static boolean isIncident(Record<?> r, IncidentIntent intent) {
    return r.getValueType() == ValueType.INCIDENT && r.getIntent() == intent;
  }
}
