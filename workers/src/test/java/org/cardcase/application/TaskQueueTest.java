package org.cardcase.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.cardcase.shared.FieldErrors;
import org.cardcase.tasks.HumanTask;
import org.cardcase.tasks.TaskQueue;
import org.cardcase.tasks.TaskQueue.Filter;
import org.cardcase.tasks.TaskQueue.Person;
import org.cardcase.tasks.TaskQueue.Scope;
import org.cardcase.tasks.TaskStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

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
    assertThatThrownBy(() -> queue.list(CLERK, Filter.of(Scope.ALL))).isInstanceOfSatisfying(TaskStore.TaskNotAllowed.class,
        e -> assertThat(e.forbidden()).isTrue());
    assertThatThrownBy(() -> queue.claim(t.id(), CLERK2)).isInstanceOf(TaskStore.TaskNotAllowed.class).hasMessageContaining("group");

    queue.claim(t.id(), CLERK);
    assertThat(queue.list(CLERK, Filter.of(Scope.MINE))).extracting(i -> i.task().id()).contains(t.id());
    assertThat(queue.list(CLERK, Filter.of(Scope.GROUPS))).extracting(i -> i.task().id()).as("no longer unassigned")
        .doesNotContain(t.id());
    // claimed by someone else: not yours to complete
    assertThatThrownBy(() -> tasks.complete(t.id(), "supervisor", SUPERVISOR.groups(), Map.of("photoDecision", "APPROVE")))
        .isInstanceOf(TaskStore.TaskNotAllowed.class).hasMessageContaining("claimed by clerk");
    assertThatThrownBy(() -> queue.reassign(t.id(), "clerk2", CLERK)).isInstanceOf(TaskStore.TaskNotAllowed.class);
    assertThatThrownBy(() -> queue.reassign(t.id(), "clerk2", SUPERVISOR)).isInstanceOfSatisfying(FieldErrors.class,
        e -> assertThat(e.errors().get("assignee")).contains("not a member of group verification"));
    queue.reassign(t.id(), "supervisor", SUPERVISOR);
    assertThat(tasks.find(t.id()).orElseThrow().assignee()).isEqualTo("supervisor");
    queue.unclaim(t.id(), SUPERVISOR);
    assertThat(tasks.find(t.id()).orElseThrow().assignee()).isNull();
    assertThat(actions(cn)).contains("TASK_CLAIMED", "TASK_REASSIGNED", "TASK_UNCLAIMED");
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
}
