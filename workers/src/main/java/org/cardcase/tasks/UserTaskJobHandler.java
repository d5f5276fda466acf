package org.cardcase.tasks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Takes every job-worker user task into the task store and leaves the job activated until a person
 * completes the task. A job for a task already completed (after a resume) completes at once.
 *
 * <p>The job is activated for a few minutes only, and held for {@link #HELD} once its task is
 * stored: a job delivered to an application that stops (or dies) before storing the task comes back
 * in minutes instead of being locked for a month on an engine that outlives the application.
 */
@Component
public class UserTaskJobHandler implements CaseJobHandler {
  private final TaskStore tasks;
  private final ProcessLinks links;
  static final Duration HELD = Duration.ofDays(30);
  private static final Logger log = LoggerFactory.getLogger(UserTaskJobHandler.class);
  private final ObjectMapper json;
  private final CamundaClient client;
  private final Duration untilStored;

  public UserTaskJobHandler(TaskStore tasks, ProcessLinks links, ObjectMapper json, CamundaClient client,
      @Value("${cardcase.tasks.activation-timeout:2m}") Duration untilStored) {
    this.tasks = tasks;
    this.links = links;
    this.json = json;
    this.client = client;
    this.untilStored = untilStored;
  }

  @Override
  public String jobType() {
    return CaseFlow.USER_TASK_JOB;
  }

  @Override
  public Duration timeout() {
    return untilStored; // extended to HELD once the task is stored
  }

  @Override
  public Optional<Map<String, Object>> handle(ActivatedJob job) throws Exception {
    String caseNumber = CaseJobHandler.caseNumber(job);
    ProcessLink link = links.find(caseNumber).orElseThrow();
    Map<String, String> h = job.getCustomHeaders();
    String due = h.get("io.camunda.zeebe:dueDate");
    String groups = h.get("io.camunda.zeebe:candidateGroups");
    String group = groups == null ? null : json.readValue(groups, new TypeReference<List<String>>() {}).get(0);
    Optional<Map<String, Object>> done = tasks.upsert(caseNumber, job.getElementId(), link.waitSeq(), job.getKey(),
        h.get("io.camunda.zeebe:formKey"), group, due == null || due.isBlank() ? null : OffsetDateTime.parse(due).toInstant());
    if (done.isEmpty()) {
      hold(job);
    }
    return done;
  }

  /** A person works on the task now: the job stays ours. If the engine does not take this, the job comes back and is held again. */
  private void hold(ActivatedJob job) {
    try {
      client.newUpdateTimeoutCommand(job.getKey()).timeout(HELD).send().join();
    } catch (RuntimeException e) {
      log.warn("job {} of task at {} could not be held ({}); the engine delivers it again in {}", job.getKey(),
          job.getElementId(), e.getMessage(), untilStored);
    }
  }
}
