package org.cardcase.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.cardcase.FlowTest;
import org.cardcase.models.ModelRules.Problem;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** The checks an analyst's model must pass before it is deployed, with the workers this application really has. */
class ModelRulesTest extends FlowTest {
  @Autowired ModelRules rules;

  @Test
  void everyShippedModelPasses() throws Exception {
    Resource[] models = new PathMatchingResourcePatternResolver().getResources("classpath*:bpmn/*.bpmn");
    assertThat(models).hasSizeGreaterThanOrEqualTo(7);
    for (Resource r : models) {
      try (InputStream in = r.getInputStream()) {
        assertThat(rules.check(in.readAllBytes())).as(r.getFilename()).isEmpty();
      }
    }
  }

  @Test
  void eachBrokenRuleIsReportedAtItsElement() throws Exception {
    String xml = shipped("card-application.bpmn");
    // the branch wait without its checkpoint, a fixed 5-day timer, a step nobody works, a message by ID number
    String broken = xml
        .replaceFirst("(?s)(<bpmn:receiveTask id=\"wait-card-activated\"[^>]*>)\\s*<bpmn:extensionElements>.*?</bpmn:extensionElements>", "$1")
        .replaceFirst("<bpmn:timeDate([^>]*)>=collectionReminderAt</bpmn:timeDate>", "<bpmn:timeDuration$1>P5D</bpmn:timeDuration>")
        .replace("type=\"card.remind-collection\"", "type=\"card.remind-by-fax\"")
        .replaceFirst("(?s)(<bpmn:message id=\"msg-card-activated\".*?correlationKey=)\"=caseNumber\"", "$1\"=idNumber\"");
    assertThat(broken).as("the test's edits all applied").doesNotContain("card.remind-collection").contains("=idNumber")
        .contains("P5D</bpmn:timeDuration>");

    List<Problem> problems = rules.check(broken.getBytes(StandardCharsets.UTF_8));
    assertThat(problems).extracting(Problem::rule, Problem::elementId).containsExactlyInAnyOrder(
        Tuple.tuple("checkpoint", "wait-card-activated"),
        Tuple.tuple("deadline", "collection-reminder-due"),
        // its working-days property now sits on a timer that reads no deadline
        Tuple.tuple("working-days", "collection-reminder-due"),
        Tuple.tuple("job-type", "send-collection-reminder"),
        Tuple.tuple("correlation", "msg-card-activated"));
    assertThat(problems).filteredOn(p -> p.rule().equals("job-type")).first().extracting(Problem::message).asString()
        .contains("card.remind-by-fax");
  }

  @Test
  void aUserTaskNeedsAFormThatExistsAndTheEngineValidationComesFirst() throws Exception {
    String xml = shipped("real-name-verification.bpmn").replace("formKey=\"cardcase:compare-photos\"", "formKey=\"cardcase:no-such-form\"");
    assertThat(rules.check(xml.getBytes(StandardCharsets.UTF_8))).extracting(Problem::rule, Problem::elementId)
        .containsExactly(Tuple.tuple("form", "compare-photos"));
    // a service task without a job type: the engine's own design-time validation says so, at the element
    String noType = shipped("family-binding.bpmn").replace("<zeebe:taskDefinition type=\"family.check\" retries=\"5\" />", "");
    assertThat(noType).isNotEqualTo(shipped("family-binding.bpmn"));
    assertThat(rules.check(noType.getBytes(StandardCharsets.UTF_8))).extracting(Problem::rule, Problem::elementId)
        .containsExactly(Tuple.tuple("engine", "check-family-binding"));
    assertThat(rules.check("<not-bpmn/>".getBytes(StandardCharsets.UTF_8))).extracting(Problem::rule).containsExactly("readable");
    // a deadline in the model must be whole working days
    String badDays = shipped("real-name-verification.bpmn").replace("name=\"cardcase:workingDays\" value=\"2\"",
        "name=\"cardcase:workingDays\" value=\"two\"");
    assertThat(rules.check(badDays.getBytes(StandardCharsets.UTF_8))).extracting(Problem::rule, Problem::elementId, Problem::value)
        .containsExactly(Tuple.tuple("working-days", "compare-photos", "two"));
  }

  static String shipped(String file) throws Exception {
    try (InputStream in = ModelRulesTest.class.getResourceAsStream("/bpmn/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
