package org.cardcase.processes;

import static org.assertj.core.api.Assertions.assertThat;

import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import io.camunda.zeebe.model.bpmn.instance.BaseElement;
import io.camunda.zeebe.model.bpmn.instance.ServiceTask;
import io.camunda.zeebe.model.bpmn.instance.UserTask;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeExecutionListener;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskDefinition;
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

  @Test
  void cardApplicationServiceTasksUseExactlyTheDeclaredJobTypes() {
    BpmnModelInstance model = load(CardApplicationProcess.RESOURCE);
    Set<String> types = model.getModelElementsByType(ServiceTask.class).stream()
        .map(t -> t.getSingleExtensionElement(ZeebeTaskDefinition.class).getType())
        .collect(Collectors.toSet());
    assertThat(types).containsExactlyInAnyOrderElementsOf(CardApplicationProcess.JOB_TYPES);
  }

  @Test
  void everyDeclaredElementExists() throws IllegalAccessException {
    BpmnModelInstance model = load(CardApplicationProcess.RESOURCE);
    for (var f : CardApplicationProcess.class.getFields()) {
      String name = f.getName();
      boolean isElement = !name.startsWith("JOB_") && !name.startsWith("MSG_") && !name.startsWith("VAR_")
          && !name.startsWith("GROUP_") && !name.startsWith("FORM_") && f.getType() == String.class
          && !name.equals("RESOURCE");
      if (isElement) {
        String id = (String) f.get(null);
        assertThat((Object) model.getModelElementById(id)).as("element %s (%s)", id, name).isNotNull();
      }
    }
  }

  @Test
  void everyWaitStateRecordsACheckpointAndNothingElseDoes() {
    BpmnModelInstance model = load(CardApplicationProcess.RESOURCE);
    List<String> withCheckpoint = model.getModelElementsByType(ZeebeExecutionListener.class).stream()
        .filter(l -> l.getType().equals(CaseFlow.CHECKPOINT_LISTENER))
        .map(l -> ((BaseElement) l.getParentElement().getParentElement().getParentElement()).getId())
        .toList();
    assertThat(withCheckpoint).containsExactlyInAnyOrderElementsOf(CardApplicationProcess.WAIT_STATES);
  }

  @Test
  void userTasksAreJobWorkerTasksWithADueDateVariable() {
    BpmnModelInstance model = load(CardApplicationProcess.RESOURCE);
    for (UserTask t : model.getModelElementsByType(UserTask.class)) {
      // a zeebe:userTask extension would make it a Camunda user task, which needs the REST API
      assertThat(t.getExtensionElements().getElementsQuery()
          .filterByType(io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeUserTask.class).list())
          .as(t.getId()).isEmpty();
    }
  }
}
