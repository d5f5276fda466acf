package org.cardcase.flow;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.api.response.DocumentReferenceResponse;
import io.camunda.client.api.response.UserTaskProperties;
import io.camunda.client.api.search.enums.JobKind;
import io.camunda.client.api.search.enums.ListenerEventType;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job as Zeebe delivers it again after a lost completion: same type, instance and variables.
 * Only what the workers read is filled in.
 */
record RedeliveredJob(String type, long processInstanceKey, String bpmnProcessId, String elementId,
    Map<String, Object> variables) implements ActivatedJob {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override public long getKey() { return 1L; }
  @Override public String getType() { return type; }
  @Override public long getProcessInstanceKey() { return processInstanceKey; }
  @Override public String getBpmnProcessId() { return bpmnProcessId; }
  @Override public int getProcessDefinitionVersion() { return 1; }
  @Override public long getProcessDefinitionKey() { return 1L; }
  @Override public String getElementId() { return elementId; }
  @Override public long getElementInstanceKey() { return 1L; }
  @Override public Map<String, String> getCustomHeaders() { return Map.of(); }
  @Override public String getWorker() { return "redelivery-test"; }
  @Override public int getRetries() { return 3; }
  @Override public long getDeadline() { return 0; }
  @Override public String getVariables() { return toJson(); }
  @Override public Map<String, Object> getVariablesAsMap() { return variables; }
  @Override public <T> T getVariablesAsType(Class<T> c) { return JSON.convertValue(variables, c); }
  @Override public Object getVariable(String name) { return variables.get(name); }
  @Override public UserTaskProperties getUserTask() { return null; }
  @Override public JobKind getKind() { return JobKind.BPMN_ELEMENT; }
  @Override public ListenerEventType getListenerEventType() { return null; }
  @Override public String toJson() {
    try {
      return JSON.writeValueAsString(variables);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
  @Override public String getTenantId() { return "<default>"; }
  @Override public List<DocumentReferenceResponse> getDocumentReferences(String name) { return List.of(); }
  @Override public Set<String> getTags() { return Set.of(); }
}
