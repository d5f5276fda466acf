package org.cardcase.trial;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.worker.JobWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.cardcase.audit.AuditTrail;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.flow.MessageInbox;
import org.cardcase.flow.StepResults;
import org.cardcase.models.ModelDrafts;
import org.cardcase.models.ModelRules;
import org.cardcase.flow.ModelVersions;
import org.cardcase.flow.ProcessCatalog;
import org.cardcase.flow.ProcessLink;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.flow.ScratchEngines;
import org.cardcase.processes.CaseFlow;
import org.cardcase.tasks.TaskStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tries a process draft on the most recent cases of its process before anyone approves it: a
 * scratch engine runs the draft (with the current versions of the processes it calls) for each
 * case, replaying what the case recorded: what each of its automated steps returned (step_result),
 * its clerks' task results and the messages it received (a case from before steps were recorded
 * replays with its last variables). The wait states the draft reaches are compared with
 * the ones the case entered, and the draft's deadlines in working days with the case's. Timers do
 * not fire in the trial (their deadlines are set far ahead): a path a timer took is not replayed.
 */
@Component
public class DraftTrials {
  private static final Logger log = LoggerFactory.getLogger(DraftTrials.class);
  static final int SAMPLE = 20;
  /** The trial is over when nothing has happened for this long (or at the limit). */
  static final Duration QUIET = Duration.ofMillis(2500);
  static final Duration LIMIT = Duration.ofSeconds(60);
  /** Where the trial puts every deadline, so that no timer fires during it. */
  static final String FAR_AHEAD = "2099-12-31T09:00:00Z";

  private final ModelDrafts drafts;
  private final ModelVersions versions;
  private final ProcessCatalog catalog;
  private final ProcessLinks links;
  private final MessageInbox inbox;
  private final TaskStore tasks;
  private final CaseDeadlines deadlines;
  private final AuditTrail audit;
  private final ModelRules rules;
  private final ScratchEngines engines;
  private final TransactionTemplate tx;
  private final StepResults stepResults;

  public DraftTrials(StepResults stepResults, ModelDrafts drafts, ModelVersions versions, ProcessCatalog catalog, ProcessLinks links, MessageInbox inbox,
      TaskStore tasks, CaseDeadlines deadlines, AuditTrail audit, ModelRules rules, ScratchEngines engines,
      TransactionTemplate tx) {
    this.drafts = drafts;
    this.versions = versions;
    this.catalog = catalog;
    this.links = links;
    this.inbox = inbox;
    this.tasks = tasks;
    this.deadlines = deadlines;
    this.audit = audit;
    this.rules = rules;
    this.engines = engines;
    this.tx = tx;
    this.stepResults = stepResults;
  }

  /** A deadline the draft would give in other working days than the case got. */
  public record DeadlineChange(String deadline, int workingDays, int draftWorkingDays) {}

  /** One case: the wait states it entered, the ones the draft reaches, and its deadlines that would differ. */
  public record CaseTrial(String caseNumber, List<String> recordedPath, List<String> draftPath, boolean samePath,
      List<DeadlineChange> deadlines) {
    public boolean differs() {
      return !samePath || !deadlines.isEmpty();
    }
  }

  public record Trial(long draftId, String processId, int cases, int differentPath, int differentDeadline,
      List<CaseTrial> results, long millis) {}

  /** Runs the trial (up to a minute) and records it in the draft's audit trail. */
  public Trial run(long draftId, String user) {
    ModelDrafts.Draft d = drafts.find(draftId);
    if (d.form()) {
      throw new ModelDrafts.Refused("notAProcess", d.processId());
    }
    byte[] draft = drafts.bpmn(draftId);
    List<ModelRules.Problem> problems = rules.check(draft);
    if (!problems.isEmpty()) {
      throw new ModelDrafts.Refused("problems", String.valueOf(problems.size()));
    }
    ProcessCatalog draftModel = ProcessCatalog.on(Map.of(d.fileName(), draft));
    List<ProcessLink> sample = links.recent(d.processId(), SAMPLE);
    long t0 = System.nanoTime();
    Map<String, List<String>> reached = new ConcurrentHashMap<>();
    try (ScratchEngines.Scratch scratch = engines.open()) {
      CamundaClient client = scratch.client();
      for (String processId : catalog.processIds()) {
        Integer v = versions.current(processId);
        if (!processId.equals(d.processId()) && v != null) {
          client.newDeployResourceCommand().addResourceBytes(versions.file(processId, v).orElseThrow(), catalog.fileOf(processId))
              .send().join();
        }
      }
      client.newDeployResourceCommand().addResourceBytes(draft, d.fileName()).send().join();
      Set<String> deadlineVariables = new HashSet<>(catalog.deadlineVariables());
      deadlineVariables.addAll(draftModel.deadlineVariables());
      AtomicLong lastActivity = new AtomicLong(System.nanoTime());
      Map<String, Map<String, Map<String, Object>>> results = new ConcurrentHashMap<>();
      Map<String, Map<String, List<Map<String, Object>>>> steps = new ConcurrentHashMap<>();
      Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
      sample.forEach(l -> {
        results.put(l.caseNumber(), tasks.results(l.caseNumber()));
        steps.put(l.caseNumber(), stepResults.of(l.caseNumber()));
        reached.put(l.caseNumber(), new CopyOnWriteArrayList<>());
      });
      Set<String> types = new HashSet<>(rules.jobTypes());
      types.add(CaseFlow.USER_TASK_JOB);
      List<JobWorker> workers = new ArrayList<>();
      for (String type : types) {
        workers.add(client.newWorker().jobType(type).handler((c, job) -> {
          lastActivity.set(System.nanoTime());
          String cn = String.valueOf(job.getVariablesAsMap().get("caseNumber"));
          if (type.equals(CaseFlow.CHECKPOINT_LISTENER)) {
            reached.getOrDefault(cn, new ArrayList<>()).add(job.getElementId());
            c.newCompleteCommand(job).send().join();
          } else if (type.equals(CaseFlow.USER_TASK_JOB)) {
            // what the clerk decided there; a task the case has not had done yet stays open, as it is
            Map<String, Object> done = results.getOrDefault(cn, Map.of()).get(job.getElementId());
            if (done != null) {
              c.newCompleteCommand(job).variables(done).send().join();
            }
          } else {
            // what the step returned when the case ran it (the n-th time for its n-th run), else nothing
            List<Map<String, Object>> returned = steps.getOrDefault(cn, Map.of()).getOrDefault(job.getElementId(), List.of());
            int n = runs.computeIfAbsent(cn + "/" + job.getElementId(), k -> new AtomicInteger())
                .getAndIncrement();
            c.newCompleteCommand(job).variables(returned.isEmpty() ? Map.of() : returned.get(Math.min(n, returned.size() - 1)))
                .send().join();
          }
        }).timeout(LIMIT.multipliedBy(2)).open());
      }
      for (ProcessLink l : sample) {
        client.newCreateInstanceCommand().bpmnProcessId(d.processId()).latestVersion()
            .variables(replayed(l, deadlineVariables, steps.get(l.caseNumber()), results.get(l.caseNumber()))).send().join();
        for (MessageInbox.Message m : inbox.received(l.caseNumber())) {
          client.newPublishMessageCommand().messageName(m.name()).correlationKey(l.caseNumber())
              .timeToLive(LIMIT).variables(m.variables()).send().join();
        }
      }
      long limit = System.nanoTime() + LIMIT.toNanos();
      while (System.nanoTime() - lastActivity.get() < QUIET.toNanos() && System.nanoTime() < limit) {
        Thread.sleep(200);
      }
      workers.forEach(JobWorker::close);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the trial was interrupted", e);
    }
    List<CaseTrial> out = new ArrayList<>();
    for (ProcessLink l : sample) {
      List<String> recorded = audit.entries(AuditTrail.ofCase(l.caseNumber())).stream()
          .filter(e -> e.action().equals("STEP_ENTERED")).map(e -> String.valueOf(e.detail().get("step"))).toList();
      List<String> draftPath = List.copyOf(reached.get(l.caseNumber()));
      List<DeadlineChange> changed = new ArrayList<>();
      for (CaseDeadlines.Deadline dl : deadlines.of(l.caseNumber())) {
        draftModel.workingDaysOf(dl.name()).ifPresent(days -> {
          if (days != dl.workingDays()) {
            changed.add(new DeadlineChange(dl.name(), dl.workingDays(), days));
          }
        });
      }
      out.add(new CaseTrial(l.caseNumber(), recorded, draftPath, recorded.equals(draftPath), changed));
    }
    long millis = (System.nanoTime() - t0) / 1_000_000;
    Trial trial = new Trial(draftId, d.processId(), out.size(), (int) out.stream().filter(c -> !c.samePath()).count(),
        (int) out.stream().filter(c -> !c.deadlines().isEmpty()).count(), out, millis);
    tx.executeWithoutResult(s -> audit.append("model:" + d.processId(), "draft:" + draftId + ":trial:" + Instant.now(), user, null,
        "MODEL_DRAFT_TRIED", Map.of("draft", draftId, "revision", d.revision(), "cases", trial.cases(),
            "differentPath", trial.differentPath(), "differentDeadline", trial.differentDeadline())));
    log.info("draft {} of {} tried on {} case(s) in {} ms: {} take another path, {} get other deadlines", draftId,
        d.processId(), trial.cases(), millis, trial.differentPath(), trial.differentDeadline());
    return trial;
  }

  /** The case's recorded variables for a new start: its decisions kept, its deadlines far ahead, bookkeeping left out. */
  private static Map<String, Object> replayed(ProcessLink l, Set<String> deadlineVariables,
      Map<String, List<Map<String, Object>>> steps, Map<String, Map<String, Object>> taskResults) {
    // what a step or a clerk decided is left out: the replayed step decides it again, in its turn
    Set<String> decided = new HashSet<>();
    steps.values().forEach(list -> list.forEach(m -> decided.addAll(m.keySet())));
    taskResults.values().forEach(m -> decided.addAll(m.keySet()));
    Map<String, Object> vars = new LinkedHashMap<>();
    l.variables().forEach((k, v) -> {
      if (!k.startsWith("_") && !decided.contains(k)) {
        vars.put(k, v);
      }
    });
    // every deadline, also one a step would have set later (here steps set nothing)
    deadlineVariables.forEach(k -> vars.put(k, FAR_AHEAD));
    vars.put("caseNumber", l.caseNumber());
    return vars;
  }
}
