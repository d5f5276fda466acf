package org.cardcase.api;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.cardcase.access.Account;
import org.cardcase.access.Accounts;
import org.cardcase.tasks.HumanTask;
import org.cardcase.tasks.TaskStore;
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
  private final TaskStore tasks;
  private final Accounts accounts;

  public TaskApi(TaskStore tasks, Accounts accounts) {
    this.tasks = tasks;
    this.accounts = accounts;
  }

  public record TaskView(long id, String caseNumber, String step, String formKey, String candidateGroup,
      String assignee, Instant dueAt, Instant createdAt) {
    static TaskView of(HumanTask t) {
      return new TaskView(t.id(), t.caseNumber(), t.elementId(), t.formKey(), t.candidateGroup(), t.assignee(),
          t.dueAt(), t.createdAt());
    }
  }

  @GetMapping("/api/tasks")
  List<TaskView> open(@RequestParam(required = false) String caseNumber, Authentication user) {
    List<String> groups = groups(user);
    return (caseNumber == null ? tasks.openForGroups(groups) : tasks.open(caseNumber)).stream()
        .filter(t -> groups.contains(t.candidateGroup())).map(TaskView::of).toList();
  }

  @PostMapping(path = "/api/tasks/{id}/complete", consumes = "application/json")
  Map<String, Object> complete(@PathVariable long id, @RequestBody Map<String, Object> form, Authentication user,
      HttpServletRequest req) {
    HumanTask t = tasks.find(id).orElseThrow(() -> new TaskStore.TaskNotFound(id));
    ApiRequests.caseNumber(req, t.caseNumber());
    TaskStore.Completion done = tasks.complete(id, user.getName(), groups(user), form);
    return Map.of("completed", id, "caseNumber", t.caseNumber(), "caseContinued", done.caseContinued(),
        "message", done.caseContinued() ? "completed; the case moves on"
            : "saved; the case continues when the workflow engine is back");
  }

  private List<String> groups(Authentication user) {
    return accounts.find(user.getName()).map(Account::groups).orElse(List.of());
  }
}
