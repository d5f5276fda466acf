package org.cardcase.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.protocol.record.Record;
import io.camunda.zeebe.protocol.record.ValueType;
import io.camunda.zeebe.protocol.record.intent.Intent;
import io.camunda.zeebe.protocol.record.intent.JobBatchIntent;
import io.camunda.zeebe.protocol.record.intent.JobIntent;
import io.camunda.zeebe.protocol.record.value.JobBatchRecordValue;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.cardcase.FlowTest;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.shared.FieldErrors;
import org.cardcase.tasks.TaskQueue.Filter;
import org.cardcase.tasks.TaskQueue.Person;
import org.cardcase.tasks.TaskQueue.Scope;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The task queue rules, on the server: groups, claims, reassignment by supervisors, shared filters. */
class TaskQueueTest extends FlowTest {
  @Autowired TaskQueue queue;

  static final Person CLERK = new Person("clerk", List.of("CLERK"), List.of("verification", "counter"));
  static final Person CLERK2 = new Person("clerk2", List.of("CLERK"), List.of("card-centre"));
  static final Person SUPERVISOR = new Person("supervisor", List.of("SUPERVISOR"), List.of("supervisors", "verification", "counter", "card-centre"));

  @Test
  void claimsReleasesAndReassignmentsFollowGroupsAndRoles() throws Exception {
    String cn = apply("木婉清", id("19920202", "042"), null);
    HumanTask t = awaitTask(cn, "compare-photos");
    assertThat(queue.list(CLERK, Filter.of(Scope.GROUPS))).extracting(i -> i.task().id()).contains(t.id());
    assertThat(queue.list(CLERK2, Filter.of(Scope.GROUPS))).extracting(i -> i.task().id()).doesNotContain(t.id());
    assertThatThrownBy(() -> queue.list(CLERK, Filter.of(Scope.ALL))).isInstanceOfSatisfying(TaskNotAllowed.class,
        e -> assertThat(e.forbidden()).isTrue());
    assertThatThrownBy(() -> queue.claim(t.id(), CLERK2)).isInstanceOf(TaskNotAllowed.class).hasMessageContaining("group");

    queue.claim(t.id(), CLERK);
    assertThat(queue.list(CLERK, Filter.of(Scope.MINE))).extracting(i -> i.task().id()).contains(t.id());
    assertThat(queue.list(CLERK, Filter.of(Scope.GROUPS))).extracting(i -> i.task().id()).as("no longer unassigned")
        .doesNotContain(t.id());
    // claimed by someone else: not yours to complete
    assertThatThrownBy(() -> tasks.complete(t.id(), "supervisor", SUPERVISOR.groups(), Map.of("photoDecision", "APPROVE")))
        .isInstanceOf(TaskNotAllowed.class).hasMessageContaining("claimed by clerk");
    assertThatThrownBy(() -> queue.reassign(t.id(), "clerk2", CLERK)).isInstanceOf(TaskNotAllowed.class);
    assertThatThrownBy(() -> queue.reassign(t.id(), "clerk2", SUPERVISOR)).isInstanceOfSatisfying(FieldErrors.class,
        e -> assertThat(e.errors().get("assignee")).contains("not a member of group verification"));
    queue.reassign(t.id(), "supervisor", SUPERVISOR);
    assertThat(tasks.find(t.id()).orElseThrow().assignee()).isEqualTo("supervisor");
    queue.unclaim(t.id(), SUPERVISOR);
    assertThat(tasks.find(t.id()).orElseThrow().assignee()).isNull();
    assertThat(actions(cn)).contains("TASK_CLAIMED", "TASK_REASSIGNED", "TASK_UNCLAIMED");
  }

  @Test
  void aStoredTasksJobIsHeldWhileAPersonWorksOnIt() throws Exception {
    // FlowTest activates user-task jobs for 4 s: long enough to store the task, short enough that a
    // job delivered to an application that stopped before storing it comes back (ExternalModeIT)
    String cn = apply("段誉", id("19920202", "058"), null);
    HumanTask t = awaitTask(cn, "compare-photos");
    await("the job held", () -> jobIntents(t.jobKey()).contains(JobIntent.TIMEOUT_UPDATED));
    // Proof that the first deadline passed without a time-out: the engine times out expired jobs in
    // the order of their deadlines, so once a witness job with a later deadline has timed out, this
    // job would have timed out before it had it not been held.
    long firstDeadline = firstDeadline(t.jobKey());
    witnessTimedOutAfter(firstDeadline);
    assertThat(jobIntents(t.jobKey())).as("the job's records").contains(JobIntent.TIMEOUT_UPDATED)
        .doesNotContain(JobIntent.TIMED_OUT);
    assertThat(tasks.complete(t.id(), "clerk", CLERK.groups(), Map.of("photoDecision", "APPROVE")).caseContinued()).isTrue();
  }

  @Autowired CamundaClient client;

  List<Intent> jobIntents(long jobKey) {
    List<Intent> intents = new ArrayList<>();
    for (Record<?> r : engine.recordStream().getRecords()) {
      if (r.getKey() == jobKey && r.getValueType() == ValueType.JOB) {
        intents.add(r.getIntent());
      }
    }
    return intents;
  }

  /** The deadline the job got when it was first activated (the engine's activation record). */
  long firstDeadline(long jobKey) {
    for (Record<?> r : engine.recordStream().getRecords()) {
      if (r.getValueType() == ValueType.JOB_BATCH && r.getIntent() == JobBatchIntent.ACTIVATED) {
        JobBatchRecordValue batch = (JobBatchRecordValue) r.getValue();
        int i = batch.getJobKeys().indexOf(jobKey);
        if (i >= 0) {
          return batch.getJobs().get(i).getDeadline();
        }
      }
    }
    throw new AssertionError("job " + jobKey + " was never activated");
  }

  /** Activates a job no worker takes, with a deadline after {@code deadline}, and waits until the engine times it out. */
  void witnessTimedOutAfter(long deadline) throws Exception {
    String type = "task-queue-test.witness";
    client.newDeployResourceCommand().addProcessModel(Bpmn.createExecutableProcess("task-queue-test-witness").startEvent()
        .serviceTask("witness", s -> s.zeebeJobType(type)).endEvent().done(), "task-queue-test-witness.bpmn").send().join();
    long instance = client.newCreateInstanceCommand().bpmnProcessId("task-queue-test-witness").latestVersion().send().join()
        .getProcessInstanceKey();
    try {
      ActivatedJob[] witness = new ActivatedJob[1];
      await("the witness job activated", () -> {
        // long enough to end after the held job's first deadline (activation-timeout 4 s)
        List<ActivatedJob> jobs = client.newActivateJobsCommand().jobType(type).maxJobsToActivate(1)
            .timeout(Duration.ofSeconds(5)).send().join().getJobs();
        witness[0] = jobs.isEmpty() ? null : jobs.getFirst();
        return witness[0] != null;
      });
      assertThat(witness[0].getDeadline()).as("the witness's deadline is after the held job's first one").isGreaterThan(deadline);
      await("the witness job timed out", () -> jobIntents(witness[0].getKey()).contains(JobIntent.TIMED_OUT));
    } finally {
      client.newCancelInstanceCommand(instance).send().join();
    }
  }

  @Test
  void aBulkReassignMovesEveryTaskItMayAndSaysWhyNotForTheRest() throws Exception {
    String cn1 = apply("钟灵", id("19930303", "044"), null);
    String cn2 = apply("阿朱", id("19930303", "046"), null);
    String cn3 = apply("阿紫", id("19930303", "048"), null);
    HumanTask t1 = awaitTask(cn1, "compare-photos");
    HumanTask t2 = awaitTask(cn2, "compare-photos");
    HumanTask t3 = awaitTask(cn3, "compare-photos");
    tasks.complete(t3.id(), "clerk", CLERK_GROUPS, Map.of("photoDecision", "APPROVE")); // no longer movable

    // a clerk claims two at once; the completed one stays and says why
    TaskQueue.BulkResult claimed = queue.bulk(TaskQueue.BulkAction.CLAIM, List.of(t1.id(), t2.id(), t3.id()), null, CLERK);
    assertThat(claimed.moved()).containsExactly(t1.id(), t2.id());
    assertThat(claimed.refused()).singleElement().satisfies(r -> {
      assertThat(r.taskId()).isEqualTo(t3.id());
      assertThat(r.code()).isEqualTo(TaskQueue.RefusalCode.COMPLETED);
    });
    // a clerk may not reassign at all; another group's clerk may not claim them
    assertThatThrownBy(() -> queue.bulk(TaskQueue.BulkAction.REASSIGN, List.of(t1.id()), "supervisor", CLERK))
        .isInstanceOf(TaskNotAllowed.class);
    assertThat(queue.bulk(TaskQueue.BulkAction.CLAIM, List.of(t1.id()), null, CLERK2).refused())
        .extracting(TaskQueue.Refusal::code).containsExactly(TaskQueue.RefusalCode.NOT_YOUR_GROUP);

    // a supervisor reassigns them to someone outside the group: nothing moves, each says why
    TaskQueue.BulkResult outside = queue.bulk(TaskQueue.BulkAction.REASSIGN, List.of(t1.id(), t2.id()), "clerk2", SUPERVISOR);
    assertThat(outside.moved()).isEmpty();
    assertThat(outside.refused()).extracting(TaskQueue.Refusal::code).containsOnly(TaskQueue.RefusalCode.NOT_IN_GROUP);
    assertThat(tasks.find(t1.id()).orElseThrow().assignee()).isEqualTo("clerk");

    TaskQueue.BulkResult moved = queue.bulk(TaskQueue.BulkAction.REASSIGN, List.of(t1.id(), t2.id(), t2.id(), 987_654_321L),
        "supervisor", SUPERVISOR);
    assertThat(moved.moved()).as("each task once").containsExactly(t1.id(), t2.id());
    assertThat(moved.refused()).extracting(TaskQueue.Refusal::code).containsExactly(TaskQueue.RefusalCode.NOT_FOUND);
    assertThat(tasks.find(t2.id()).orElseThrow().assignee()).isEqualTo("supervisor");
    // every task is audited on its own case
    assertThat(actions(cn1)).containsSubsequence("TASK_CLAIMED", "TASK_REASSIGNED");
    assertThat(actions(cn2)).containsSubsequence("TASK_CLAIMED", "TASK_REASSIGNED");

    TaskQueue.BulkResult released = queue.bulk(TaskQueue.BulkAction.RELEASE, List.of(t1.id(), t2.id()), null, SUPERVISOR);
    assertThat(released.moved()).containsExactly(t1.id(), t2.id());
    assertThat(queue.bulk(TaskQueue.BulkAction.RELEASE, List.of(t1.id()), null, SUPERVISOR).refused())
        .extracting(TaskQueue.Refusal::code).containsExactly(TaskQueue.RefusalCode.NOT_CLAIMED);
    assertThatThrownBy(() -> queue.bulk(TaskQueue.BulkAction.CLAIM, List.of(), null, CLERK)).isInstanceOf(FieldErrors.class);
  }

  @Test
  void filtersAreSavedByNameAndSharedWithAGroup() {
    Filter webReviews = new Filter(Scope.GROUPS, "", "compare-photos", "web-portal", TaskQueue.Sort.PRIORITY);
    queue.saveFilter(CLERK, "Web photo reviews", webReviews, "verification");
    queue.saveFilter(CLERK, "Mine only", Filter.of(Scope.MINE), null);
    assertThat(queue.filters(SUPERVISOR)).extracting(TaskQueue.SavedFilter::name).contains("Web photo reviews")
        .doesNotContain("Mine only");
    assertThat(queue.filters(SUPERVISOR).stream().filter(f -> f.name().equals("Web photo reviews")).findFirst().orElseThrow().filter())
        .isEqualTo(webReviews);
    assertThat(queue.filters(CLERK2)).extracting(TaskQueue.SavedFilter::name).doesNotContain("Web photo reviews", "Mine only");
    assertThatThrownBy(() -> queue.saveFilter(CLERK2, "x", Filter.of(Scope.GROUPS), "verification"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("sharedGroup"));
    assertThatThrownBy(() -> queue.saveFilter(CLERK, "all", Filter.of(Scope.ALL), null))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("scope"));
  }

  @Test
  void theMostUrgentOfTenThousandTasksComeFirstAndPagesNeitherRepeatNorHide() {
    String group = "queue-" + System.nanoTime();
    String cn = "SCQ" + System.nanoTime();
    jdbc.sql("""
        insert into card_case (case_number, case_type, status, current_step, channel, applicant_name, id_number, sex, phone, issuing_bank)
        values (?, 'CARD_APPLICATION', 'IN_PROGRESS', 'compare-photos', 'web-portal', '测试', '110105194912310021', 'MALE', '13800000000', 'ICBC')""")
        .param(cn).update();
    Random random = new Random(42);
    Instant now = clock.instant();
    // 10 000 open tasks, due from 30 days ago to 30 days ahead; every 50th without a deadline, every 100th an alert
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      Timestamp due = i % 50 == 7 ? null
          : Timestamp.from(now.plusSeconds(random.nextLong(-30L * 86_400, 30L * 86_400)));
      // two work groups of the clerk's, merged into one queue most urgent first
      rows.add(new Object[] {cn, i, i % 100 == 3 ? 0L : 1_000_000L + i, i % 3 == 0 ? group + "-b" : group, due});
    }
    JdbcTemplate template = new JdbcTemplate(dataSource);
    template.batchUpdate("""
        insert into human_task (case_number, element_id, wait_seq, job_key, form_key, candidate_group, state, due_at,
          case_type, case_channel, process_id)
        values (?, 'compare-photos', ?, ?, 'compare-photos', ?, 'OPEN', ?, 'CARD_APPLICATION', 'web-portal', 'card-application')""", rows);
    Person clerk = new Person("queue-clerk", List.of("CLERK"), List.of(group, group + "-b", group + "-empty"));
    try {
      // what "most urgent" means, computed here from the rows themselves
      List<Long> byDue = jdbc.sql("""
          select id from human_task where candidate_group in (?, ?) and state = 'OPEN'
          order by due_at asc nulls last, id""").params(group, group + "-b").query(Long.class).list();
      long overdue = jdbc.sql("select count(*) from human_task where candidate_group in (?, ?) and due_at < ?")
          .params(group, group + "-b", Timestamp.from(deadlines.startOfToday())).query(Long.class).single();
      assertThat(overdue).isGreaterThan(4_000);

      TaskQueue.Page first = queue.page(clerk, Filter.of(Scope.GROUPS), null, 500);
      assertThat(first.total()).isEqualTo(10_000);
      assertThat(first.overdue()).isEqualTo(overdue);
      assertThat(first.items()).extracting(i -> i.task().id()).containsExactlyElementsOf(byDue.subList(0, 500));
      assertThat(first.items()).allMatch(TaskQueue.Item::overdue);

      // a new, most urgent task arriving meanwhile does not shift the next pages
      template.update("""
          insert into human_task (case_number, element_id, wait_seq, job_key, form_key, candidate_group, state, due_at,
            case_type, case_channel, process_id)
          values (?, 'compare-photos', 99999, 5, 'compare-photos', ?, 'OPEN', ?, 'CARD_APPLICATION', 'web-portal', 'card-application')""",
          cn, group, Timestamp.from(now.minusSeconds(90L * 86_400)));
      List<Long> seen = new ArrayList<>(first.items().stream().map(i -> i.task().id()).toList());
      String after = first.next();
      while (after != null) {
        TaskQueue.Page p = queue.page(clerk, Filter.of(Scope.GROUPS), after, 500);
        p.items().forEach(i -> seen.add(i.task().id()));
        after = p.next();
      }
      assertThat(seen).as("every task once, in order").containsExactlyElementsOf(byDue);

      // alerts for a supervisor first when sorted by priority; a cursor from elsewhere is refused
      TaskQueue.Page urgent = queue.page(clerk, new Filter(Scope.GROUPS, "", "", "", TaskQueue.Sort.PRIORITY), null, 50);
      assertThat(urgent.items()).allMatch(i -> i.priority() == 2);
      List<Long> byPriority = jdbc.sql("""
          select id from human_task where candidate_group in (?, ?) and state = 'OPEN'
          order by case when job_key = 0 then 0 else 1 end, due_at asc nulls last, id limit 150""")
          .params(group, group + "-b").query(Long.class).list();
      TaskQueue.Page urgent2 = queue.page(clerk, new Filter(Scope.GROUPS, "", "", "", TaskQueue.Sort.PRIORITY), urgent.next(), 100);
      assertThat(Stream.concat(urgent.items().stream(), urgent2.items().stream()).map(i -> i.task().id()).toList())
          .as("alerts first, then by deadline, across both groups and pages").containsExactlyElementsOf(byPriority);
      assertThat(queue.page(clerk, new Filter(Scope.GROUPS, "", "", "", TaskQueue.Sort.PRIORITY), urgent.next(), 100).items())
          .extracting(TaskQueue.Item::priority).startsWith(2).contains(1);
      assertThatThrownBy(() -> queue.page(clerk, Filter.of(Scope.GROUPS), "not-a-cursor", 50))
          .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("after"));
      assertThatThrownBy(() -> queue.page(clerk, Filter.of(Scope.GROUPS), null, 501)).isInstanceOf(FieldErrors.class);
      // the kept counts follow every change: a claim leaves the group queue, a completion leaves every queue
      long before = queue.page(clerk, Filter.of(Scope.GROUPS), null, 1).total();
      long overdueBefore = queue.page(clerk, Filter.of(Scope.GROUPS), null, 1).overdue();
      long id = first.items().get(0).task().id();
      jdbc.sql("update human_task set assignee = 'queue-clerk' where id = ?").param(id).update();
      assertThat(queue.page(clerk, Filter.of(Scope.GROUPS), null, 1).total()).isEqualTo(before - 1);
      assertThat(queue.page(clerk, Filter.of(Scope.GROUPS), null, 1).overdue()).isEqualTo(overdueBefore - 1);
      jdbc.sql("update human_task set state = 'COMPLETED' where id = ?").param(id).update();
      assertThat(queue.page(clerk, Filter.of(Scope.GROUPS), null, 1).total()).isEqualTo(before - 1);
      jdbc.sql("update human_task set state = 'OPEN', assignee = null where id = ?").param(id).update();
      assertThat(queue.page(clerk, Filter.of(Scope.GROUPS), null, 1).total()).isEqualTo(before);
      // filters are applied in SQL: another channel has none of them
      assertThat(queue.page(clerk, new Filter(Scope.GROUPS, "", "", "alipay", TaskQueue.Sort.DUE), null, 10).total()).isZero();
    } finally {
      jdbc.sql("delete from human_task where case_number = ?").param(cn).update();
      jdbc.sql("delete from card_case where case_number = ?").param(cn).update();
    }
  }

  @Autowired DataSource dataSource;
  @Autowired CaseDeadlines deadlines;
}
