package org.cardcase.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.FlowTest;
import org.cardcase.audit.AuditTrail;
import org.cardcase.childcard.ChildCards;
import org.cardcase.family.FamilyBindings;
import org.cardcase.loss.LossReports;
import org.cardcase.processes.CardApplicationProcess;
import org.cardcase.processes.CardProductionProcess;
import org.cardcase.processes.ChildCardProcess;
import org.cardcase.processes.FamilyBindingProcess;
import org.cardcase.processes.LossReportProcess;
import org.cardcase.processes.RealNameVerificationProcess;
import org.cardcase.processes.ReissueProcess;
import org.cardcase.reissue.Reissues;
import org.cardcase.simulators.MedicalSettlementSimulator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Zeebe delivers at least once. Each step is run again, as a redelivered job, on a case where the
 * engine already ran it (or run twice in a row): the second run changes nothing a user could see
 * (no second card, notification, transition, task, document or audit entry).
 */
class WorkerRedeliveryTest extends FlowTest {
  @Autowired List<CaseJobHandler> handlers;
  @Autowired LossReports lossReports;
  @Autowired Reissues reissues;
  @Autowired FamilyBindings families;
  @Autowired ChildCards childCards;
  @Autowired MedicalSettlementSimulator settlement;
  @Autowired ProcessLinks links;

  /** Everything about a case that a redelivered step could duplicate or change. */
  Map<String, Object> snapshot(String cn) {
    Map<String, Object> s = new HashMap<>();
    s.put("audit", audit.entries(AuditTrail.ofCase(cn)).size());
    s.put("case", jdbc.sql("select status, current_step, closed_at is not null as closed from card_case where case_number = ?")
        .param(cn).query().singleRow());
    s.put("cards", jdbc.sql("select card_id, state, card_number, medical_insurance_number from card where case_number = ?")
        .param(cn).query().listOfRows());
    s.put("transitions", jdbc.sql("select count(*) from card_transition t join card c on c.card_id = t.card_id where c.case_number = ?")
        .param(cn).query(Long.class).single());
    s.put("notifications", notifications(cn));
    s.put("documents", jdbc.sql("select count(*) from case_document where case_number = ?").param(cn).query(Long.class).single());
    s.put("tasks", jdbc.sql("select count(*) from human_task where case_number = ?").param(cn).query(Long.class).single());
    s.put("rounds", jdbc.sql("select * from verification_round where case_number = ? order by round").param(cn).query().listOfRows()
        .stream().map(r -> { var m = new HashMap<>(r); m.remove("updated_at"); return m; }).toList());
    s.put("deadlines", jdbc.sql("select name, due_at from case_deadline where case_number = ? order by name").param(cn).query().listOfRows());
    return s;
  }

  /** The case's process has ended: nothing the engine runs can change it under the test any more. */
  boolean settled(String cn) {
    return jdbc.sql("select ended_at is not null from process_link where case_number = ?").param(cn).query(Boolean.class).single();
  }

  Map<String, Object> redeliver(String cn, String jobType, Map<String, Object> extraVars) throws Exception {
    ProcessLink link = links.find(cn).orElseThrow();
    Map<String, Object> vars = new HashMap<>(link.variables());
    vars.put("caseNumber", cn);
    vars.putAll(extraVars);
    boolean verification = RealNameVerificationProcess.JOB_TYPES.contains(jobType);
    CaseJobHandler h = handlers.stream().filter(x -> x.jobType().equals(jobType)).findFirst().orElseThrow();
    return h.handle(new RedeliveredJob(jobType, link.processInstanceKey(),
        verification ? RealNameVerificationProcess.PROCESS_ID : CardApplicationProcess.PROCESS_ID, jobType, vars)).orElseThrow();
  }

  /** Runs the step twice; the second run must leave the case exactly as the first left it. */
  void twice(String cn, String jobType, Map<String, Object> vars) throws Exception {
    redeliver(cn, jobType, vars);
    Map<String, Object> once = snapshot(cn);
    redeliver(cn, jobType, vars);
    assertThat(snapshot(cn)).as(jobType + " delivered again").isEqualTo(once);
  }

  @Test
  void theStepsOfAVerifiedAndProducedCardRunAgainChangeNothing() throws Exception {
    String cn = apply("欧阳锋", id("19700101", "999"), "MALE");
    await("at the branch", () -> step(cn).equals("wait-card-activated"));
    awaitBankCallbacksSent(cn); // the bank simulator's duplicate callback has arrived
    Map<String, Object> before = snapshot(cn);
    // steps the engine already ran for this case, delivered once more
    for (String type : List.of(CardApplicationProcess.JOB_REGISTER, RealNameVerificationProcess.JOB_CHECK_DOCUMENTS,
        RealNameVerificationProcess.JOB_QUERY_REGISTRY, CardProductionProcess.JOB_REQUEST_PRODUCTION,
        CardApplicationProcess.JOB_NOTIFY_CARD_READY)) {
      redeliver(cn, type, Map.of("documentsOk", true, "verificationOutcome", "VERIFIED", "cardNumber", "A99999999"));
      assertThat(snapshot(cn)).as(type + " delivered again").isEqualTo(before);
    }
    assertThat(card(cn).cardNumber()).as("a late duplicate callback does not renumber the card").doesNotContain("99999999");
    // steps run twice in a row
    twice(cn, RealNameVerificationProcess.JOB_RECORD_OUTCOME, Map.of("verificationOutcome", "VERIFIED"));
    twice(cn, CardApplicationProcess.JOB_REMIND_COLLECTION, Map.of());
    twice(cn, CardProductionProcess.JOB_PRODUCTION_OVERDUE, Map.of());
    twice(cn, CardApplicationProcess.JOB_ACTIVATE_CARD, Map.of("branch", "ICBC Haidian"));
    assertThat(notifications(cn)).containsExactly("card-ready", "collection-reminder", "card-activated");
    assertThat(transitions(cn)).containsExactly("APPLIED", "IN_PRODUCTION", "PRODUCED", "AWAITING_ACTIVATION", "ACTIVE");
  }

  @Test
  void theStepsOfARejectionRunAgainChangeNothing() throws Exception {
    String cn = apply("洪七公", id("19700202", "992"), "MALE");
    await("waits for resubmission", () -> step(cn).equals("wait-resubmission"));
    Map<String, Object> before = snapshot(cn);
    redeliver(cn, CardApplicationProcess.JOB_NOTIFY_REJECTION, Map.of("verificationReason", "no such resident"));
    assertThat(snapshot(cn)).isEqualTo(before);
    twice(cn, CardApplicationProcess.JOB_REJECT, Map.of());
    twice(cn, CardApplicationProcess.JOB_ESCALATE_UNCOLLECTED, Map.of());
    assertThat(notifications(cn)).containsExactly("verification-rejected", "application-rejected");
    assertThat(transitions(cn)).containsExactly("APPLIED", "CANCELLED");
  }

  @Test
  void theStepsOfLossReissueFamilyAndChildCardRunAgainChangeNothing() throws Exception {
    String holder = id("19710303", "031");
    activeCardHolder("石破天", holder);
    LossReports.Reported report = lossReports.report(
        new LossReports.Report(holder, null, "石破天", "13500000000"), "terminal");
    await("report waits", () -> step(report.reportNumber()).equals("wait-loss-resolution"));
    int stops = settlement.stopsMade();
    Map<String, Object> before = snapshot(report.reportNumber());
    redeliver(report.reportNumber(), LossReportProcess.JOB_STOP_SETTLEMENT, Map.of());
    assertThat(snapshot(report.reportNumber())).isEqualTo(before);
    assertThat(settlement.stopsMade()).as("the card is not stopped twice").isEqualTo(stops);
    twice(report.reportNumber(), LossReportProcess.JOB_REMIND_FORMAL_REPORT, Map.of());

    var accepted = reissues.accept(new Reissues.Request(holder, "石破天", "13500000000", null, "HOLDER", null,
        null, true, null, png(700, 450), null, png(800, 1000), "clerk", null), "counter");
    String rc = accepted.caseNumber();
    await("replacement ready", () -> step(rc).equals("wait-pickup"));
    Map<String, Object> ready = snapshot(rc);
    for (String type : List.of(ReissueProcess.JOB_STOP_OLD_CARD,
        ReissueProcess.JOB_NOTIFY_READY)) {
      redeliver(rc, type, Map.of());
      assertThat(snapshot(rc)).as(type + " delivered again").isEqualTo(ready);
    }
    twice(rc, ReissueProcess.JOB_PICKUP_LATE, Map.of());
    twice(rc, ReissueProcess.JOB_REMIND_PICKUP, Map.of());
    twice(rc, ReissueProcess.JOB_ESCALATE_UNCOLLECTED, Map.of());
    twice(rc, ReissueProcess.JOB_HAND_OVER, Map.of("handedOverBy", "clerk2"));
    assertThat(jdbc.sql("select count(*) from card where case_number = ?").param(rc).query(Long.class).single()).isEqualTo(1);

    // through the web portal: the member's social insurance computer number, ID number and relationship (guide 000 §1)
    String binding = families.request(FamilyBindings.Request.webPortal(holder, "石破天", "13500000000",
        computerNumber(id("19720404", "032")), id("19720404", "032"), "阿绣", "SPOUSE").withMemberPhone("13500000001"), "web-portal");
    await("linked and settled", () -> settled(binding) && notifications(binding).contains("family-linked"));
    twice(binding, FamilyBindingProcess.JOB_LINK, Map.of());
    twice(binding, FamilyBindingProcess.JOB_REFUSE, Map.of("refusalReason", "test"));
    assertThat(families.links(holder)).hasSize(1);

    String kid = id("20190505", "963"); // the registry cannot tell the household: under the centre's rule a clerk reviews
    var letter = childCards.letter(holder, "石破天", "石中玉", kid);
    families.rules().setChildOnParentsHouseholdRegister(true);
    String childCase;
    try {
      childCase = childCards.request(new ChildCards.Request(holder, "石破天", "13500000000", "石中玉", kid,
          png(900, 700), true, ChildCards.NOTICE_VERSION, letter.sha256(), "石破天"), "alipay");
      awaitTask(childCase, "review-child-card");
    } finally {
      families.rules().setChildOnParentsHouseholdRegister(false);
    }
    var review = awaitTask(childCase, "review-child-card");
    tasks.complete(review.id(), "clerk", List.of("verification"), Map.of("childReviewOutcome", "APPROVED"));
    await("issued and settled", () -> settled(childCase) && notifications(childCase).contains("child-card-issued"));
    twice(childCase, ChildCardProcess.JOB_ISSUE, Map.of());
    twice(childCase, ChildCardProcess.JOB_CHECK, Map.of());
    assertThat(families.links(holder)).as("one e-card, one link for the child").hasSize(2);
  }
}
