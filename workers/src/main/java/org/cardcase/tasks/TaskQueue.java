package org.cardcase.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import org.cardcase.access.Accounts;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.shared.FieldErrors;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.forms.FormDefinition;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The task queues people work from: my tasks, my groups' unassigned tasks, and all tasks for a
 * supervisor, with claiming, unclaiming and reassigning. Every rule is checked here, on the
 * server, whatever the screen shows.
 */
@Service
public class TaskQueue {
  public enum Scope { MINE, GROUPS, ALL }

  public enum Sort { DUE, PRIORITY, CREATED }

  /** What a queue shows; empty strings mean "any". */
  public record Filter(Scope scope, String process, String step, String channel, Sort sort) {
    public static Filter of(Scope scope) {
      return new Filter(scope, "", "", "", Sort.DUE);
    }
  }

  /** A task with what the queue sorts and filters by. Priority 2 is an alert for a supervisor. */
  public record Item(HumanTask task, String caseType, String process, String channel, int priority, Integer workingDaysLeft) {
    public boolean overdue() {
      return workingDaysLeft != null && workingDaysLeft < 0;
    }
  }

  public record SavedFilter(long id, String owner, String name, String sharedGroup, Filter filter) {}

  /** The person asking: name, roles and work groups, as signed in. */
  public record Person(String name, List<String> roles, List<String> groups) {
    public boolean supervisor() {
      return roles.contains("SUPERVISOR");
    }
  }

  private final JdbcClient jdbc;
  private final CaseDeadlines deadlines;
  private final AuditTrail audit;
  private final TransactionTemplate tx;
  private final ObjectMapper json = new ObjectMapper();

  private final Accounts accounts;
  private final ApplicationEventPublisher events;
  private final TaskStore store;

  public TaskQueue(JdbcClient jdbc, CaseDeadlines deadlines, AuditTrail audit, TransactionTemplate tx,
      Accounts accounts, ApplicationEventPublisher events, TaskStore store) {
    this.store = store;
    this.events = events;
    this.accounts = accounts;
    this.jdbc = jdbc;
    this.deadlines = deadlines;
    this.audit = audit;
    this.tx = tx;
  }

  // ---- one task, for the screens and the API (the store keeps the rows and talks to the engine) ----

  public Optional<HumanTask> find(long id) {
    return store.find(id);
  }

  /** The case's open tasks, oldest first. */
  public List<HumanTask> open(String caseNumber) {
    return store.open(caseNumber);
  }

  /** Completes the task for a person, as {@link TaskStore#complete} does: checked, stored, then told to the engine. */
  public TaskCompletion complete(long id, String account, List<String> accountGroups, Map<String, Object> result) {
    return store.complete(id, account, accountGroups, result);
  }

  /** The form version the task's process version names. */
  public FormDefinition formOf(HumanTask t) {
    return store.formOf(t);
  }

  /** The words of the form for a value chosen in it (a decision), in the reader's language. */
  public String valueLabel(String formKey, String value, boolean chinese) {
    return store.valueLabel(formKey, value, chinese);
  }

  /** The first page (most urgent first, as the filter sorts), at most 500 tasks. */
  public List<Item> list(Person who, Filter f) {
    return page(who, f, null, 500).items();
  }

  /**
   * A page of a queue, sorted and filtered in SQL, with the queue's true size and how many of it are
   * overdue. {@code after} is the cursor of the page before ({@link Page#next}), null for the first:
   * keyset paging, so a task arriving meanwhile neither repeats nor hides a task on the next page.
   */
  public record Page(List<Item> items, long total, long overdue, String next) {}

  /**
   * A group queue's (or all tasks') true size and overdue count, from the counts the database keeps
   * by trigger (V37): a sum over a few hundred rows instead of counting every open task.
   */
  private Map<String, Object> kept(Person who, Filter f) {
    StringBuilder where = new StringBuilder(" where true");
    List<Object> params = new ArrayList<>();
    params.add(LocalDate.ofInstant(deadlines.startOfToday(), WorkingDayCalendar.ZONE));
    if (f.scope() == Scope.GROUPS) {
      where.append(" and not assigned and candidate_group = any(?)");
      params.add(who.groups().toArray(String[]::new));
    }
    filters(f, "", where, params);
    return jdbc.sql("select coalesce(sum(n), 0) as total, coalesce(sum(n) filter (where due_day < ?), 0) as overdue"
        + " from task_queue_count" + where).params(params).query().singleRow();
  }

  /** The filter's process, step and channel as conditions; the kept counts name their columns as human_task does. */
  private static void filters(Filter f, String table, StringBuilder where, List<Object> params) {
    if (!f.process().isBlank()) {
      where.append(" and ").append(table).append("process_id = ?");
      params.add(f.process());
    }
    if (!f.step().isBlank()) {
      where.append(" and ").append(table).append("element_id = ?");
      params.add(f.step());
    }
    if (!f.channel().isBlank()) {
      where.append(" and ").append(table).append("case_channel = ?");
      params.add(f.channel());
    }
  }

  /** A task the person completed: when, which step of which case, and what they decided. */
  public record Done(long taskId, String caseNumber, String elementId, String caseType, Instant completedAt, String formKey,
      String decision) {}

  /**
   * What the person completed since the instant given (the start of their week), newest first; at
   * most 500, which is more than a week's work at a counter.
   */
  public List<Done> doneBy(String person, Instant since) {
    return jdbc.sql("""
        select id, case_number, element_id, case_type, completed_at, form_key,
          coalesce(result->>'photoDecision', result->>'childReviewOutcome', result->>'action', result->>'followUp') from human_task
        where state = 'COMPLETED' and completed_by = ? and completed_at >= ? order by completed_at desc limit 500""")
        .params(person, Timestamp.from(since))
        .query((rs, i) -> new Done(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getTimestamp(5).toInstant(), rs.getString(6), rs.getString(7))).list();
  }

  public Page page(Person who, Filter f, String after, int limit) {
    if (limit < 1 || limit > 500) {
      throw FieldErrors.of("limit", "between 1 and 500");
    }
    StringBuilder where = new StringBuilder(" where t.state = 'OPEN'");
    List<Object> params = new ArrayList<>();
    switch (f.scope()) {
      case MINE -> {
        where.append(" and t.assignee = ?");
        params.add(who.name());
      }
      case GROUPS -> {
        if (who.groups().isEmpty()) {
          return new Page(List.of(), 0, 0, null);
        }
        where.append(" and t.assignee is null and t.candidate_group = any(?)");
        params.add(who.groups().toArray(String[]::new));
      }
      case ALL -> {
        if (!who.supervisor()) {
          throw new TaskNotAllowed("only a supervisor sees all tasks", true, "supervisorsOnly");
        }
      }
    }
    filters(f, "t.", where, params);
    Map<String, Object> counts;
    if (f.scope() == Scope.MINE) {
      // one person's tasks: few, counted from the index of their own queue
      List<Object> countParams = new ArrayList<>(params);
      countParams.add(0, Timestamp.from(deadlines.startOfToday()));
      counts = jdbc.sql("select count(*) as total, count(*) filter (where coalesce(t.due_at, 'infinity'::timestamptz) < ?)"
          + " as overdue from human_task t" + where).params(countParams).query().singleRow();
    } else {
      counts = kept(who, f);
    }

    // the sort key: alerts first for PRIORITY, then the nearest deadline (none: last) or the
    // arrival, then the id; compared as a row so that PostgreSQL walks the index from the cursor on
    String rank = f.sort() == Sort.PRIORITY ? "case when t.job_key = 0 then 0 else 1 end, " : "";
    String time = f.sort() == Sort.CREATED ? "t.created_at" : "coalesce(t.due_at, 'infinity'::timestamptz)";
    String select = "select t.*, case when t.job_key = 0 then 2 else 1 end as priority, (" + time + ")::text as sort_time from human_task t"
        + where;
    if (after != null) {
      Cursor c = Cursor.parse(after);
      select += " and (" + rank + time + ", t.id) > (" + (rank.isEmpty() ? "" : "?, ") + "?::timestamptz, ?)";
      if (!rank.isEmpty()) {
        params.add(c.rank());
      }
      params.add(c.time());
      params.add(c.id());
    }
    select += " order by " + rank + time + ", t.id limit ?";
    params.add(limit);
    if (f.scope() == Scope.GROUPS && who.groups().size() > 1) {
      // several groups: each group's own index range gives its most urgent first, so take the first
      // page of each and merge them (one range for all would sort every task of every group)
      String perGroup = select.replace("t.candidate_group = any(?)", "t.candidate_group = g.grp");
      select = "select t.* from unnest(?::text[]) as g(grp) cross join lateral (" + perGroup + ") t order by "
          + rank + time + ", t.id limit ?";
      List<Object> lateral = new ArrayList<>();
      lateral.add(who.groups().toArray(String[]::new));
      // the group array of the inner query is now the outer unnest's; its other parameters stay in order
      lateral.addAll(params.subList(1, params.size()));
      lateral.add(limit);
      params = lateral;
    }
    List<Item> items = new ArrayList<>();
    List<Cursor> keys = new ArrayList<>();
    jdbc.sql(select).params(params).query(rs -> {
      HumanTask t = TaskStore.map(rs, 0);
      int priority = rs.getInt("priority");
      items.add(new Item(t, rs.getString("case_type"), rs.getString("process_id"), rs.getString("case_channel"),
          priority, t.dueAt() == null ? null : deadlines.workingDaysLeft(t.dueAt())));
      keys.add(new Cursor(priority == 2 ? 0 : 1, rs.getString("sort_time"), t.id()));
    });
    String next = items.size() == limit ? keys.get(keys.size() - 1).encode() : null;
    return new Page(items, ((Number) counts.get("total")).longValue(), ((Number) counts.get("overdue")).longValue(), next);
  }

  /** Where a page ended: the sort rank, the sort time as PostgreSQL wrote it, and the task id; opaque to callers. */
  record Cursor(int rank, String time, long id) {
    String encode() {
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString((rank + "|" + time + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor parse(String s) {
      try {
        String[] p = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8).split("\\|");
        if (p.length != 3 || !p[1].matches("infinity|[0-9 :.+-]{10,40}")) {
          throw new IllegalArgumentException(s);
        }
        return new Cursor(Integer.parseInt(p[0]), p[1], Long.parseLong(p[2]));
      } catch (RuntimeException e) {
        throw FieldErrors.of("after", "not a cursor this queue gave out; start from the first page");
      }
    }
  }

  /** Open tasks per step: how many, how many overdue, how many unclaimed (a supervisor's view). */
  public record StepLoad(String step, long open, long overdue, long unclaimed) {}

  public List<StepLoad> loadPerStep(Person who) {
    if (!who.supervisor()) {
      throw new TaskNotAllowed("only a supervisor sees all tasks", true, "supervisorsOnly");
    }
    return jdbc.sql("""
        select element_id, count(*), count(*) filter (where due_at < ?), count(*) filter (where assignee is null)
        from human_task where state = 'OPEN' group by element_id order by element_id""")
        .param(Timestamp.from(deadlines.startOfToday()))
        .query((rs, i) -> new StepLoad(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).list();
  }

  /** Takes an unassigned task of one of your groups (or keeps your own). */
  public HumanTask claim(long id, Person who) {
    HumanTask t = open(id);
    if (!who.groups().contains(t.candidateGroup())) {
      throw new TaskNotAllowed("task " + id + " belongs to group " + t.candidateGroup() + ", which you are not in", true,
          "notInGroup", id, t.candidateGroup());
    }
    if (t.assignee() != null && !t.assignee().equals(who.name())) {
      throw new TaskNotAllowed("task " + id + " is claimed by " + t.assignee(), false, "claimedBy", id, t.assignee());
    }
    assign(t, who.name(), who.name(), "TASK_CLAIMED");
    return open(id);
  }

  /** Gives a task back to its group: your own, or any as a supervisor. */
  public HumanTask unclaim(long id, Person who) {
    HumanTask t = open(id);
    if (t.assignee() == null) {
      return t;
    }
    if (!t.assignee().equals(who.name()) && !who.supervisor()) {
      throw new TaskNotAllowed("task " + id + " is claimed by " + t.assignee() + "; only they or a supervisor can release it",
          true, "releaseNotYours", id, t.assignee());
    }
    assign(t, null, who.name(), "TASK_UNCLAIMED");
    return open(id);
  }

  /** A supervisor gives a task to a member of its group. */
  public HumanTask reassign(long id, String to, Person who) {
    if (!who.supervisor()) {
      throw new TaskNotAllowed("only a supervisor reassigns tasks", true, "supervisorsOnly");
    }
    HumanTask t = open(id);
    if (!staffGroups(to).contains(t.candidateGroup())) {
      throw FieldErrors.of("assignee", to + " is not a member of group " + t.candidateGroup());
    }
    assign(t, to, who.name(), "TASK_REASSIGNED");
    return open(id);
  }

  public enum BulkAction { CLAIM, RELEASE, REASSIGN }

  /** Why a bulk action left a task where it was (labels: {@code tasks.bulk.refused.*}). */
  public enum RefusalCode {
    NOT_FOUND, COMPLETED, NOT_YOUR_GROUP, ALREADY_YOURS, CLAIMED_BY_OTHER, NOT_CLAIMED, ALREADY_ASSIGNED, NOT_IN_GROUP, REFUSED
  }

  /** A task a bulk action left where it was, why, and the name that explains it (assignee or group). */
  public record Refusal(long taskId, RefusalCode code, String detail, String reason) {}

  public record BulkResult(List<Long> moved, List<Refusal> refused) {}

  /**
   * One action on many tasks: each task is moved (and audited) on its own, by the same rules as one
   * at a time; the tasks that cannot be moved stay where they are and say why. At most 500 at once.
   */
  public BulkResult bulk(BulkAction action, List<Long> ids, String to, Person who) {
    if (action == null) {
      throw FieldErrors.of("action", "one of CLAIM, RELEASE, REASSIGN");
    }
    if (ids == null || ids.isEmpty() || ids.size() > 500) {
      throw FieldErrors.of("taskIds", "between 1 and 500 task ids");
    }
    if (action == BulkAction.REASSIGN && !who.supervisor()) {
      throw new TaskNotAllowed("only a supervisor reassigns tasks", true, "supervisorsOnly");
    }
    if (action == BulkAction.REASSIGN && (to == null || to.isBlank())) {
      throw FieldErrors.of("assignee", "the member of staff to give the tasks to");
    }
    List<Long> moved = new ArrayList<>();
    List<Refusal> refused = new ArrayList<>();
    for (long id : new LinkedHashSet<>(ids)) {
      Optional<HumanTask> found = jdbc.sql("select * from human_task where id = ?").param(id).query(TaskStore::map).optional();
      Refusal no = found.isEmpty() ? new Refusal(id, RefusalCode.NOT_FOUND, null, "no task " + id)
          : bulkRefusal(action, found.get(), to, who);
      if (no == null) {
        try {
          switch (action) {
            case CLAIM -> claim(id, who);
            case RELEASE -> unclaim(id, who);
            case REASSIGN -> reassign(id, to, who);
          }
          moved.add(id);
          continue;
        } catch (TaskNotAllowed | TaskNotFound e) {
          no = new Refusal(id, RefusalCode.REFUSED, null, e.getMessage()); // changed meanwhile
        } catch (FieldErrors e) {
          no = new Refusal(id, RefusalCode.REFUSED, null, String.join("; ", e.errors().values()));
        }
      }
      refused.add(no);
    }
    return new BulkResult(moved, refused);
  }

  /** The rules of claim, release and reassign, as a reason a person can read; null if the move is allowed. */
  private Refusal bulkRefusal(BulkAction action, HumanTask t, String to, Person who) {
    long id = t.id();
    if (!t.open()) {
      return new Refusal(id, RefusalCode.COMPLETED, null, "task " + id + " is already completed");
    }
    return switch (action) {
      case CLAIM -> !who.groups().contains(t.candidateGroup())
          ? new Refusal(id, RefusalCode.NOT_YOUR_GROUP, t.candidateGroup(), "task " + id + " belongs to group " + t.candidateGroup())
          : who.name().equals(t.assignee()) ? new Refusal(id, RefusalCode.ALREADY_YOURS, null, "task " + id + " is already yours")
          : t.assignee() != null ? new Refusal(id, RefusalCode.CLAIMED_BY_OTHER, t.assignee(), "task " + id + " is claimed by " + t.assignee())
          : null;
      case RELEASE -> t.assignee() == null ? new Refusal(id, RefusalCode.NOT_CLAIMED, null, "task " + id + " is not claimed")
          : !t.assignee().equals(who.name()) && !who.supervisor()
              ? new Refusal(id, RefusalCode.CLAIMED_BY_OTHER, t.assignee(), "task " + id + " is claimed by " + t.assignee())
          : null;
      case REASSIGN -> to.equals(t.assignee()) ? new Refusal(id, RefusalCode.ALREADY_ASSIGNED, to, "task " + id + " is already " + to + "'s")
          : !staffGroups(to).contains(t.candidateGroup())
              ? new Refusal(id, RefusalCode.NOT_IN_GROUP, t.candidateGroup(), to + " is not a member of group " + t.candidateGroup())
          : null;
    };
  }

  /** The work groups of a member of staff (none for anyone else): who a task may be given to. */
  private List<String> staffGroups(String person) {
    return accounts.find(person).filter(a -> a.kind().equals("STAFF")).map(a -> a.groups()).orElse(List.of());
  }

  public List<String> groupMembers(String group) {
    return accounts.membersOf(group);
  }

  public SavedFilter saveFilter(Person who, String name, Filter f, String sharedGroup) {
    if (name == null || name.isBlank() || name.length() > 60) {
      throw FieldErrors.of("name", "a name of at most 60 characters");
    }
    if (sharedGroup != null && !sharedGroup.isBlank() && !who.groups().contains(sharedGroup)) {
      throw FieldErrors.of("sharedGroup", "you can share only with a group you belong to");
    }
    if (f.scope() == Scope.ALL && !who.supervisor()) {
      throw FieldErrors.of("scope", "only a supervisor can save a filter over all tasks");
    }
    String group = sharedGroup == null || sharedGroup.isBlank() ? null : sharedGroup;
    jdbc.sql("""
        insert into task_filter (owner, name, shared_group, criteria) values (?, ?, ?, ?::jsonb)
        on conflict (owner, name) do update set shared_group = excluded.shared_group, criteria = excluded.criteria""")
        .params(who.name(), name.strip(), group, write(f)).update();
    return filters(who).stream().filter(s -> s.owner().equals(who.name()) && s.name().equals(name.strip())).findFirst().orElseThrow();
  }

  /** Your filters and those shared with one of your groups. */
  public List<SavedFilter> filters(Person who) {
    return jdbc.sql("select * from task_filter where owner = ? or shared_group = any(?) order by name, owner")
        .params(who.name(), who.groups().toArray(String[]::new))
        .query((rs, i) -> new SavedFilter(rs.getLong("id"), rs.getString("owner"), rs.getString("name"), rs.getString("shared_group"),
            read(rs.getString("criteria")))).list();
  }

  private void assign(HumanTask t, String assignee, String by, String action) {
    tx.executeWithoutResult(s -> {
      int n = jdbc.sql("update human_task set assignee = ?, claimed_at = ? where id = ? and state = 'OPEN'")
          .params(assignee, assignee == null ? null : Timestamp.from(Instant.now()), t.id()).update();
      if (n == 0) {
        throw new TaskNotAllowed("task " + t.id() + " is already completed", false, "completed", t.id());
      }
      audit.append(AuditTrail.ofCase(t.caseNumber()), "assign:" + t.id() + ":" + UUID.randomUUID(), by, null, action,
          Map.of("task", t.id(), "step", t.elementId(), "assignee", assignee == null ? "" : assignee));
      events.publishEvent(new TaskStore.TasksChanged(t.caseNumber()));
    });
  }

  private HumanTask open(long id) {
    HumanTask t = jdbc.sql("select * from human_task where id = ?").param(id).query(TaskStore::map).optional()
        .orElseThrow(() -> new TaskNotFound(id));
    if (!t.open()) {
      throw new TaskNotAllowed("task " + id + " is already completed", false, "completed", id);
    }
    return t;
  }

  private String write(Filter f) {
    try {
      return json.writeValueAsString(f);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private Filter read(String s) {
    try {
      return json.readValue(s, Filter.class);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
