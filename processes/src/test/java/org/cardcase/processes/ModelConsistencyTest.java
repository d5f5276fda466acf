package org.cardcase.processes;

import static org.assertj.core.api.Assertions.assertThat;

import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import io.camunda.zeebe.model.bpmn.instance.BaseElement;
import io.camunda.zeebe.model.bpmn.instance.ExclusiveGateway;
import io.camunda.zeebe.model.bpmn.instance.FlowNode;
import io.camunda.zeebe.model.bpmn.instance.SequenceFlow;
import io.camunda.zeebe.model.bpmn.instance.ServiceTask;
import io.camunda.zeebe.model.bpmn.instance.UserTask;
import io.camunda.zeebe.model.bpmn.instance.bpmndi.BpmnEdge;
import io.camunda.zeebe.model.bpmn.instance.bpmndi.BpmnShape;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeExecutionListener;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskDefinition;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskSchedule;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeUserTask;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Java constants and the BPMN file must name the same elements and job types. */
class ModelConsistencyTest {

  private static BpmnModelInstance load(String resource) {
    InputStream in = ModelConsistencyTest.class.getClassLoader().getResourceAsStream(resource);
    assertThat(in).as(resource).isNotNull();
    BpmnModelInstance model = Bpmn.readModelFromStream(in);
    Bpmn.validateModel(model);
    return model;
  }

  /** A model and the constants class that names its parts. */
  record Model(String resource, Class<?> constants, List<String> jobTypes, List<String> waitStates) {}

  static final List<Model> MODELS = List.of(
      new Model(CardApplicationProcess.RESOURCE, CardApplicationProcess.class, CardApplicationProcess.JOB_TYPES,
          CardApplicationProcess.WAIT_STATES),
      new Model(RealNameVerificationProcess.RESOURCE, RealNameVerificationProcess.class, RealNameVerificationProcess.JOB_TYPES,
          RealNameVerificationProcess.WAIT_STATES),
      new Model(CardProductionProcess.RESOURCE, CardProductionProcess.class, CardProductionProcess.JOB_TYPES,
          CardProductionProcess.WAIT_STATES),
      new Model(LossReportProcess.RESOURCE, LossReportProcess.class, LossReportProcess.JOB_TYPES, LossReportProcess.WAIT_STATES),
      new Model(ReissueProcess.RESOURCE, ReissueProcess.class, ReissueProcess.JOB_TYPES, ReissueProcess.WAIT_STATES),
      new Model(FamilyBindingProcess.RESOURCE, FamilyBindingProcess.class, FamilyBindingProcess.JOB_TYPES,
          FamilyBindingProcess.WAIT_STATES),
      new Model(ChildCardProcess.RESOURCE, ChildCardProcess.class, ChildCardProcess.JOB_TYPES, ChildCardProcess.WAIT_STATES));

  /** Constants that are not element ids: job types, messages, variables, groups, forms, outcomes. */
  static boolean isElementConstant(String name) {
    return !name.startsWith("JOB_") && !name.startsWith("MSG_") && !name.startsWith("VAR_") && !name.startsWith("GROUP_")
        && !name.startsWith("FORM_") && !name.startsWith("DECISION_") && !name.equals("RESOURCE")
        && !Set.of("VERIFIED", "REJECTED", "INCONCLUSIVE", "NEW_PHOTO_REQUESTED", "WITHDRAWN", "FORMALISED").contains(name);
  }

  @Test
  void serviceTasksUseExactlyTheDeclaredJobTypes() {
    for (Model m : MODELS) {
      Set<String> types = load(m.resource()).getModelElementsByType(ServiceTask.class).stream()
          .map(t -> t.getSingleExtensionElement(ZeebeTaskDefinition.class).getType())
          .collect(Collectors.toSet());
      assertThat(types).as(m.resource()).containsExactlyInAnyOrderElementsOf(m.jobTypes());
    }
  }

  @Test
  void everyDeclaredElementExists() throws IllegalAccessException {
    for (Model m : MODELS) {
      BpmnModelInstance model = load(m.resource());
      for (var f : m.constants().getFields()) {
        if (f.getType() == String.class && isElementConstant(f.getName())) {
          String id = (String) f.get(null);
          assertThat((Object) model.getModelElementById(id)).as("%s: element %s (%s)", m.resource(), id, f.getName()).isNotNull();
        }
      }
    }
  }

  @Test
  void everyWaitStateRecordsACheckpointAndNothingElseDoes() {
    for (Model m : MODELS) {
      List<String> withCheckpoint = load(m.resource()).getModelElementsByType(ZeebeExecutionListener.class).stream()
          .filter(l -> l.getType().equals(CaseFlow.CHECKPOINT_LISTENER))
          .map(l -> ((BaseElement) l.getParentElement().getParentElement().getParentElement()).getId())
          .toList();
      assertThat(withCheckpoint).as(m.resource()).containsExactlyInAnyOrderElementsOf(m.waitStates());
    }
  }

  @Test
  void everyDecisionHasAConditionalWayOutBesideItsDefault() {
    for (Model m : MODELS) {
      for (var g : load(m.resource()).getModelElementsByType(ExclusiveGateway.class)) {
        assertThat(g.getDefault()).as(m.resource() + " " + g.getId() + " default").isNotNull();
        assertThat(g.getOutgoing().stream().filter(f -> f.getConditionExpression() != null))
            .as(m.resource() + " " + g.getId() + " conditional flows").isNotEmpty();
      }
    }
  }

  @Test
  void onlyTheCaseProcessMarksTheCaseEnded() {
    // a called process ends inside a running case: it must not close the case's link
    for (String called : List.of(RealNameVerificationProcess.RESOURCE, CardProductionProcess.RESOURCE)) {
      assertThat(load(called).getModelElementsByType(ZeebeExecutionListener.class).stream()
          .filter(l -> l.getType().equals(CaseFlow.PROCESS_ENDED_LISTENER))).as(called).isEmpty();
    }
    for (String caseProcess : List.of(CardApplicationProcess.RESOURCE, LossReportProcess.RESOURCE, ReissueProcess.RESOURCE,
        FamilyBindingProcess.RESOURCE, ChildCardProcess.RESOURCE)) {
      assertThat(load(caseProcess).getModelElementsByType(ZeebeExecutionListener.class).stream()
          .filter(l -> l.getType().equals(CaseFlow.PROCESS_ENDED_LISTENER))).as(caseProcess).hasSize(1);
    }
  }

  @Test
  void userTasksAreJobWorkerTasksWithADueDateVariable() {
    for (Model m : MODELS) {
      for (UserTask t : load(m.resource()).getModelElementsByType(UserTask.class)) {
        // a zeebe:userTask extension would make it a Camunda user task, which needs the REST API
        assertThat(t.getExtensionElements().getElementsQuery()
            .filterByType(ZeebeUserTask.class).list())
            .as(t.getId()).isEmpty();
        assertThat(t.getSingleExtensionElement(ZeebeTaskSchedule.class))
            .as(t.getId() + " due date").isNotNull();
      }
    }
  }

  @Test
  void everyShapeHasADiagramElementSoTheModelOpensInTheModeler() {
    for (Model m : MODELS) {
      BpmnModelInstance model = load(m.resource());
      Set<String> drawn = model.getModelElementsByType(BpmnShape.class).stream()
          .map(sh -> sh.getBpmnElement().getId()).collect(Collectors.toSet());
      Set<String> edges = model.getModelElementsByType(BpmnEdge.class).stream()
          .map(e -> e.getBpmnElement().getId()).collect(Collectors.toSet());
      for (var n : model.getModelElementsByType(FlowNode.class)) {
        assertThat(drawn).as(m.resource() + " shape of " + n.getId()).contains(n.getId());
        assertThat(n.getName()).as(m.resource() + " label of " + n.getId()).isNotBlank();
      }
      for (var f : model.getModelElementsByType(SequenceFlow.class)) {
        assertThat(edges).as(m.resource() + " edge of " + f.getId()).contains(f.getId());
      }
    }
  }
}
