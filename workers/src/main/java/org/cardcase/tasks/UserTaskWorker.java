package org.cardcase.tasks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.api.response.ActivatedJob;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.ProcessLink;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.processes.CaseFlow;
import org.springframework.stereotype.Component;

/**
 * Takes every job-worker user task into the task store and leaves the job activated until a person
 * completes the task. A job for a task already completed (after a resume) completes at once.
 */
@Component
public class UserTaskWorker implements CaseJobHandler {
  private final TaskStore tasks;
  private final ProcessLinks links;
  private final ObjectMapper json;

  public UserTaskWorker(TaskStore tasks, ProcessLinks links, ObjectMapper json) {
    this.tasks = tasks;
    this.links = links;
    this.json = json;
  }

  @Override
  public String jobType() {
    return CaseFlow.USER_TASK_JOB;
  }

  @Override
  public Duration timeout() {
    return Duration.ofDays(30); // a person works on it; the job stays ours
  }

  @Override
  public Optional<Map<String, Object>> handle(ActivatedJob job) throws Exception {
    String caseNumber = CaseJobHandler.caseNumber(job);
    ProcessLink link = links.find(caseNumber).orElseThrow();
    Map<String, String> h = job.getCustomHeaders();
    String due = h.get("io.camunda.zeebe:dueDate");
    String groups = h.get("io.camunda.zeebe:candidateGroups");
    String group = groups == null ? null : json.readValue(groups, new TypeReference<List<String>>() {}).get(0);
    return tasks.upsert(caseNumber, job.getElementId(), link.waitSeq(), job.getKey(), h.get("io.camunda.zeebe:formKey"),
        group, due == null || due.isBlank() ? null : OffsetDateTime.parse(due).toInstant());
  }
}
