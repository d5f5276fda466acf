package org.cardcase.api;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.cardcase.access.Account;
import org.cardcase.access.Accounts;
import org.cardcase.shared.FieldErrors;
import org.cardcase.tasks.HumanTask;
import org.cardcase.tasks.TaskCompletion;
import org.cardcase.tasks.TaskNotAllowed;
import org.cardcase.tasks.TaskNotFound;
import org.cardcase.tasks.TaskQueue;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Human tasks for staff tools: the same rules as the workspace (groups, claims, form validation). */
@RestController
public class TaskApi {
  private final TaskQueue queue;
  private final Accounts accounts;

  public TaskApi(TaskQueue queue, Accounts accounts) {
    this.queue = queue;
    this.accounts = accounts;
  }

  public record TaskView(long id, String caseNumber, String step, String formKey, String candidateGroup,
      String assignee, Instant dueAt, Instant createdAt) {
    static TaskView of(HumanTask t) {
      return new TaskView(t.id(), t.caseNumber(), t.elementId(), t.formKey(), t.candidateGroup(), t.assignee(),
          t.dueAt(), t.createdAt());
    }
  }

  /**
   * A case's open tasks of your groups; without a case number, the first page of your groups'
   * queue, most urgent first (at most {@code limit}, default 50; the whole queue is {@code /api/task-queue}).
   */
  @GetMapping("/api/tasks")
  List<TaskView> open(@RequestParam(required = false) String caseNumber, @RequestParam(defaultValue = "50") int limit,
      Authentication user) {
    List<String> groups = groups(user);
    if (caseNumber == null) {
      return queue.page(person(user), TaskQueue.Filter.of(TaskQueue.Scope.GROUPS), null, limit).items().stream()
          .map(i -> TaskView.of(i.task())).toList();
    }
    return queue.open(caseNumber).stream().filter(t -> groups.contains(t.candidateGroup())).map(TaskView::of).toList();
  }

  public record QueueItem(TaskView task, String caseType, String process, String channel, int priority,
      Integer workingDaysLeft, boolean overdue) {}

  public record QueuePage(List<QueueItem> items, long total, long overdue, String next) {}

  /**
   * A task queue, page by page: {@code scope} MINE, GROUPS or ALL (supervisors), filters by
   * process, step and channel, {@code sort} DUE (overdue first), PRIORITY or CREATED, at most
   * {@code limit} (1–500) per page; {@code next} is the {@code after} of the following page.
   */
  @GetMapping("/api/task-queue")
  QueuePage queue(@RequestParam(defaultValue = "GROUPS") String scope, @RequestParam(defaultValue = "") String process,
      @RequestParam(defaultValue = "") String step, @RequestParam(defaultValue = "") String channel,
      @RequestParam(defaultValue = "DUE") String sort, @RequestParam(defaultValue = "50") int limit,
      @RequestParam(required = false) String after, Authentication user) {
    TaskQueue.Filter f = new TaskQueue.Filter(option(TaskQueue.Scope.class, "scope", scope), process.strip(), step.strip(),
        channel.strip(), option(TaskQueue.Sort.class, "sort", sort));
    TaskQueue.Page page = queue.page(person(user), f, after, limit);
    return new QueuePage(page.items().stream().map(i -> new QueueItem(TaskView.of(i.task()), i.caseType(), i.process(),
        i.channel(), i.priority(), i.workingDaysLeft(), i.overdue())).toList(), page.total(), page.overdue(), page.next());
  }

  private static <E extends Enum<E>> E option(Class<E> type, String field, String value) {
    try {
      return Enum.valueOf(type, value.strip().toUpperCase());
    } catch (IllegalArgumentException e) {
      throw FieldErrors.of(field, "one of " + Arrays.toString(type.getEnumConstants()));
    }
  }

  private TaskQueue.Person person(Authentication user) {
    Account a = accounts.find(user.getName()).orElseThrow(() -> new TaskNotAllowed("no account " + user.getName(), true));
    return new TaskQueue.Person(a.name(), a.roles(), a.groups());
  }

  public record BulkRequest(String action, List<Long> taskIds, String assignee) {}

  /**
   * Claims, releases or (supervisors) reassigns many tasks at once; each task is moved and audited on
   * its own, and the ones that stay where they are come back with the reason.
   */
  @PostMapping(path = "/api/tasks/bulk", consumes = "application/json")
  TaskQueue.BulkResult bulk(@RequestBody BulkRequest body, Authentication user) {
    TaskQueue.BulkAction action;
    try {
      action = TaskQueue.BulkAction.valueOf(String.valueOf(body.action()));
    } catch (IllegalArgumentException e) {
      throw FieldErrors.of("action", "one of CLAIM, RELEASE, REASSIGN");
    }
    return queue.bulk(action, body.taskIds(), body.assignee(), person(user));
  }

  @PostMapping(path = "/api/tasks/{id}/complete", consumes = "application/json")
  Map<String, Object> complete(@PathVariable long id, @RequestBody Map<String, Object> form, Authentication user,
      HttpServletRequest req) {
    HumanTask t = queue.find(id).orElseThrow(() -> new TaskNotFound(id));
    ApiRequests.caseNumber(req, t.caseNumber());
    TaskCompletion done = queue.complete(id, user.getName(), groups(user), form);
    return Map.of("completed", id, "caseNumber", t.caseNumber(), "caseContinued", done.caseContinued(),
        "message", done.caseContinued() ? "completed; the case moves on"
            : "saved; the case continues when the workflow engine is back");
  }

  private List<String> groups(Authentication user) {
    return accounts.find(user.getName()).map(Account::groups).orElse(List.of());
  }
}
