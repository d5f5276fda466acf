package org.cardcase.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.Tabs;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import jakarta.annotation.security.RolesAllowed;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.forecast.BreachForecast;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.ReferenceData;
import org.cardcase.tasks.TaskNotAllowed;
import org.cardcase.tasks.TaskQueue;
import org.cardcase.tasks.TaskQueue.Filter;
import org.cardcase.tasks.TaskQueue.Item;
import org.cardcase.tasks.TaskQueue.Scope;

/**
 * The task queues: my tasks, my groups' unassigned tasks, all tasks (supervisors). Overdue first,
 * deadlines in working days; claim, release, reassign; filters saved by name and shared with a group.
 * Keyboard: arrows to move, Enter to open the selected task.
 */
@Route(value = "tasks", layout = MainLayout.class)
@PageTitle("CardCase")
@RolesAllowed({"CLERK", "SUPERVISOR"})
public class TasksView extends VerticalLayout {
  private final TaskQueue queue;
  private final Staff staff;
  private final Tabs scopes = new Tabs();
  private final List<Scope> scopeOfTab = new ArrayList<>();
  private final ComboBox<String> process = new ComboBox<>();
  private final ComboBox<String> step = new ComboBox<>();
  private final ComboBox<String> channel = new ComboBox<>();
  private final Select<TaskQueue.Sort> sort = new Select<>();
  private final ComboBox<TaskQueue.SavedFilter> saved = new ComboBox<>();
  private final Grid<Item> grid = new Grid<>();
  private final Span count = new Span();
  private static final int PAGE = 100;
  private final List<Item> shown = new ArrayList<>();
  private final Button more = new Button();
  private String next;
  private long total;
  private long overdue;
  /** Who is looking, read once per refresh: every row's buttons need it. */
  private TaskQueue.Person me;
  private final Map<String, List<String>> membersOfGroup = new HashMap<>();

  private final BreachForecast forecasts;

  public TasksView(TaskQueue queue, Staff staff, BreachForecast forecasts,
      ReferenceData reference) {
    this.forecasts = forecasts;
    this.queue = queue;
    this.staff = staff;
    setSizeFull();
    addTab("tasks.scope.mine", Scope.MINE);
    addTab("tasks.scope.groups", Scope.GROUPS);
    if (staff.has("SUPERVISOR")) {
      addTab("tasks.scope.all", Scope.ALL);
    }
    addTab("tasks.scope.done", null); // what I finished: not a queue, a record of the day and the week
    scopes.setId("task-scopes");
    scopes.addSelectedChangeListener(e -> refresh());
    scopes.setSelectedIndex(staff.has("SUPERVISOR") ? 2 : 1);

    process.setId("filter-process");
    process.setPlaceholder(getTranslation("tasks.filter.process"));
    process.setItems("card-application", "real-name-verification", "card-production", "card-reissue", "child-e-card");
    process.setItemLabelGenerator(p -> getTranslation("process." + p));
    step.setId("filter-step");
    step.setPlaceholder(getTranslation("tasks.filter.step"));
    step.setItems("compare-photos", "review-child-card", "alert-production-overdue", "alert-pickup-late", "escalate-uncollected",
        "escalate-uncollected-replacement");
    step.setItemLabelGenerator(s -> getTranslation("step." + s));
    channel.setId("filter-channel");
    channel.setPlaceholder(getTranslation("tasks.filter.channel"));
    // the channels the reference data keeps active (a retired one is no filter any more)
    channel.setItems(reference.codes(ReferenceData.Kind.CHANNEL));
    channel.setItemLabelGenerator(c -> getTranslation("channel." + c));
    sort.setId("filter-sort");
    sort.setItems(TaskQueue.Sort.values());
    sort.setItemLabelGenerator(s -> getTranslation("tasks.sort." + s));
    sort.setValue(TaskQueue.Sort.DUE);
    sort.setWidth("17em"); // "Due first (overdue first)" was cut off at the default width
    for (var c : List.of(process, step, channel)) {
      c.setClearButtonVisible(true);
      c.addValueChangeListener(e -> refresh());
    }
    sort.addValueChangeListener(e -> refresh());

    saved.setId("saved-filters");
    saved.setPlaceholder(getTranslation("tasks.saved"));
    saved.setItemLabelGenerator(f -> f.name() + (f.sharedGroup() == null ? "" : " · " + getTranslation("group." + f.sharedGroup())));
    saved.addValueChangeListener(e -> {
      if (e.getValue() != null) {
        apply(e.getValue().filter());
      }
    });
    TextField filterName = new TextField();
    filterName.setId("filter-name");
    filterName.setPlaceholder(getTranslation("tasks.saved.name"));
    ComboBox<String> share = new ComboBox<>();
    share.setId("filter-share");
    share.setPlaceholder(getTranslation("tasks.saved.share"));
    share.setItems(staff.groups());
    share.setItemLabelGenerator(g -> getTranslation("group." + g));
    share.setClearButtonVisible(true);
    Button save = new Button(getTranslation("tasks.saved.save"), e -> {
      try {
        queue.saveFilter(staff.person(), filterName.getValue(), filter(), share.getValue());
        filterName.setInvalid(false);
        loadSaved();
        Notification.show(getTranslation("tasks.saved.done", filterName.getValue()), 3000, Notification.Position.BOTTOM_START);
      } catch (FieldErrors ex) {
        filterName.setInvalid(true);
        filterName.setErrorMessage(String.join("; ", ex.errors().values()));
      }
    });
    save.setId("filter-save");
    loadSaved();

    DateTimeFormatter when = Dates.dateTime(getLocale());
    grid.setId("tasks");
    // actions first and frozen: always in reach, however wide the grid
    // actions first and frozen: always in reach; the columns wrap rather than push the grid past
    // the window (at 1440 px the assignee and received columns needed scrolling, and then
    // the frozen actions slid over the case number)
    grid.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT,
        GridVariant.LUMO_COMPACT);
    grid.addComponentColumn(this::actions).setHeader("").setAutoWidth(true).setFrozen(true).setFlexGrow(0).setKey("actions");
    grid.addComponentColumn(this::dueAndForecast).setHeader(getTranslation("tasks.col.due")).setWidth("7em").setFlexGrow(0);
    grid.addComponentColumn(i -> new RouterLink(i.task().caseNumber(), CaseView.class, i.task().caseNumber()))
        .setHeader(getTranslation("cases.col.caseNumber")).setAutoWidth(true).setFlexGrow(0).setKey("caseNumber");
    grid.addColumn(i -> getTranslation("step." + i.task().elementId())).setHeader(getTranslation("tasks.col.step"))
        .setWidth("6em").setFlexGrow(2);
    grid.addColumn(i -> getTranslation("case.type." + i.caseType()) + " · " + getTranslation("channel." + i.channel()))
        .setHeader(getTranslation("tasks.col.typeChannel")).setWidth("6em").setFlexGrow(2);
    grid.addColumn(i -> getTranslation("group." + i.task().candidateGroup())).setHeader(getTranslation("tasks.col.group"))
        .setWidth("4.5em").setFlexGrow(1);
    grid.addColumn(i -> i.task().assignee() == null ? "" : i.task().assignee()).setHeader(getTranslation("tasks.col.assignee"))
        .setWidth("4.5em").setFlexGrow(1).setKey("assignee");
    grid.addColumn(i -> when.format(i.task().createdAt())).setHeader(getTranslation("cases.col.created")).setWidth("6em")
        .setFlexGrow(1).setKey("created");
    grid.addItemDoubleClickListener(e -> open(e.getItem()));
    // several tasks at once: tick them, then claim, release or (supervisors) reassign them together
    grid.setSelectionMode(Grid.SelectionMode.MULTI);
    grid.addSelectionListener(e -> showBulkBar());
    grid.getElement().addEventListener("keydown", e -> grid.getSelectedItems().stream().findFirst().ifPresent(this::open))
        .setFilter("event.key === 'Enter'");

    HorizontalLayout filters = new HorizontalLayout(process, step, channel, sort, saved, filterName, share, save);
    filters.setWrap(true);
    more.setText(getTranslation("tasks.more"));
    more.setId("tasks-more");
    more.addClickListener(e -> showMore());
    count.setId("tasks-count");
    empty.setId("tasks-empty");
    empty.getStyle().set("color", "var(--lumo-secondary-text-color)");
    queuePart.add(filters, count, bulkBar(), empty, grid, more);
    queuePart.setPadding(false);
    queuePart.setSizeFull();
    queuePart.expand(grid);
    donePart.setPadding(false);
    donePart.setSizeFull();
    donePart.setVisible(false);
    doneSummary.setId("done-summary");
    doneGrid.setId("done-grid");
    doneGrid.addColumn(d -> when.format(d.completedAt())).setHeader(getTranslation("done.col.completed")).setAutoWidth(true);
    doneGrid.addComponentColumn(d -> new RouterLink(d.caseNumber(), CaseView.class, d.caseNumber()))
        .setHeader(getTranslation("cases.col.caseNumber")).setAutoWidth(true);
    doneGrid.addColumn(d -> getTranslation("step." + d.elementId())).setHeader(getTranslation("tasks.col.step")).setAutoWidth(true);
    doneGrid.addColumn(d -> getTranslation("case.type." + d.caseType())).setHeader(getTranslation("cases.col.type")).setAutoWidth(true);
    doneGrid.addColumn(d -> queue.valueLabel(d.formKey(), d.decision(), getLocale().getLanguage().equals("zh")))
        .setHeader(getTranslation("done.col.decision")).setKey("decision").setFlexGrow(1);
    donePart.add(doneSummary, doneGrid);
    donePart.expand(doneGrid);
    add(scopes, queuePart, donePart);
    expand(queuePart, donePart);
    refresh();
  }

  private final VerticalLayout queuePart = new VerticalLayout();
  private final VerticalLayout donePart = new VerticalLayout();
  private final Span doneSummary = new Span();
  private final Grid<TaskQueue.Done> doneGrid = new Grid<>();

  /** Today and this week (from Monday), in the service centre's time zone. */
  private void showDone() {
    ZonedDateTime now = ZonedDateTime.now(WorkingDayCalendar.ZONE);
    Instant today = now.toLocalDate().atStartOfDay(now.getZone()).toInstant();
    Instant monday = now.toLocalDate().with(DayOfWeek.MONDAY).atStartOfDay(now.getZone()).toInstant();
    List<TaskQueue.Done> week = queue.doneBy(staff.person().name(), monday);
    long onDay = week.stream().filter(d -> !d.completedAt().isBefore(today)).count();
    doneSummary.setText(getTranslation("done.summary", onDay, week.size()));
    doneGrid.setItems(week);
  }

  /** Said instead of a bare grid when nothing is waiting, so an empty queue is not taken for a fault. */
  private final Span empty = new Span();
  private final HorizontalLayout bulk = new HorizontalLayout();
  private final Span selectedCount = new Span();
  private final ComboBox<String> bulkTo = new ComboBox<>();

  private HorizontalLayout bulkBar() {
    bulk.setId("bulk-bar");
    bulk.setAlignItems(FlexComponent.Alignment.BASELINE);
    selectedCount.setId("bulk-count");
    Button claim = new Button(getTranslation("tasks.bulk.claim"), e -> runBulk(TaskQueue.BulkAction.CLAIM, null));
    claim.setId("bulk-claim");
    Button release = new Button(getTranslation("tasks.bulk.release"), e -> confirmBulk(
        getTranslation("tasks.bulk.confirmRelease", grid.getSelectedItems().size()), TaskQueue.BulkAction.RELEASE, null));
    release.setId("bulk-release");
    bulk.add(selectedCount, claim, release);
    if (staff.has("SUPERVISOR")) {
      bulkTo.setId("bulk-to");
      bulkTo.setPlaceholder(getTranslation("tasks.bulk.reassignTo"));
      Button reassign = new Button(getTranslation("tasks.bulk.reassign"), e -> {
        if (bulkTo.getValue() == null) {
          bulkTo.setInvalid(true);
          bulkTo.setErrorMessage(getTranslation("tasks.bulk.pickSomeone"));
          return;
        }
        confirmBulk(getTranslation("tasks.bulk.confirmReassign", grid.getSelectedItems().size(), bulkTo.getValue()),
            TaskQueue.BulkAction.REASSIGN, bulkTo.getValue());
      });
      reassign.setId("bulk-reassign");
      bulk.add(bulkTo, reassign);
    }
    bulk.setVisible(false);
    return bulk;
  }

  private void showBulkBar() {
    var selected = grid.getSelectedItems();
    bulk.setVisible(!selected.isEmpty());
    selectedCount.setText(getTranslation("tasks.bulk.selected", selected.size()));
    if (staff.has("SUPERVISOR")) {
      // whoever belongs to a group of the selected tasks; the server refuses a task outside the person's groups
      Set<String> members = new TreeSet<>();
      selected.stream().map(i -> i.task().candidateGroup()).distinct()
          .forEach(g -> members.addAll(membersOfGroup.computeIfAbsent(g, queue::groupMembers)));
      bulkTo.setItems(members);
    }
  }

  /** Releasing or reassigning takes work from someone: say how much, and ask first. */
  private void confirmBulk(String question, TaskQueue.BulkAction action, String to) {
    Dialog d = new Dialog();
    d.setId("bulk-confirm-dialog");
    d.add(new Span(question));
    Button yes = new Button(getTranslation("tasks.bulk.confirm"), e -> {
      d.close();
      runBulk(action, to);
    });
    yes.setId("bulk-confirm");
    yes.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    d.getFooter().add(new Button(getTranslation("tasks.bulk.cancel"), e -> d.close()), yes);
    d.open();
  }

  private void runBulk(TaskQueue.BulkAction action, String to) {
    List<Long> ids = grid.getSelectedItems().stream().map(i -> i.task().id()).toList();
    if (ids.isEmpty()) {
      return;
    }
    try {
      TaskQueue.BulkResult r = queue.bulk(action, ids, to, staff.person());
      StringBuilder text = new StringBuilder(getTranslation("tasks.bulk.done", r.moved().size()));
      if (!r.refused().isEmpty()) {
        text.append(' ').append(getTranslation("tasks.bulk.notMoved", r.refused().size()));
        r.refused().stream().limit(10).forEach(x -> text.append('\n').append(getTranslation("tasks.bulk.refused." + x.code(),
            x.taskId(), x.detail() == null ? "" : x.detail(), to == null ? "" : to, x.reason())));
      }
      Notification n = new Notification();
      n.setId("bulk-result");
      Span body = new Span(text.toString());
      body.getStyle().set("white-space", "pre-line");
      n.add(body);
      n.setDuration(r.refused().isEmpty() ? 4000 : 12000);
      n.setPosition(Notification.Position.MIDDLE);
      n.addThemeVariants(r.refused().isEmpty() ? NotificationVariant.LUMO_SUCCESS : NotificationVariant.LUMO_CONTRAST);
      n.open();
    } catch (TaskNotAllowed | FieldErrors e) {
      refused(e);
    }
    grid.deselectAll();
    refresh();
  }

  private void addTab(String key, Scope scope) {
    Tab t = new Tab(getTranslation(key));
    t.setId("scope-" + (scope == null ? "done" : scope.name().toLowerCase()));
    scopes.add(t);
    scopeOfTab.add(scope);
  }

  private Filter filter() {
    Scope scope = scopeOfTab.get(Math.max(0, scopes.getSelectedIndex()));
    return new Filter(scope, value(process), value(step), value(channel), sort.getValue() == null ? TaskQueue.Sort.DUE : sort.getValue());
  }

  private static String value(ComboBox<String> c) {
    return c.getValue() == null ? "" : c.getValue();
  }

  private void apply(Filter f) {
    int i = scopeOfTab.indexOf(f.scope());
    if (i >= 0) {
      scopes.setSelectedIndex(i);
    }
    process.setValue(f.process().isBlank() ? null : f.process());
    step.setValue(f.step().isBlank() ? null : f.step());
    channel.setValue(f.channel().isBlank() ? null : f.channel());
    sort.setValue(f.sort());
    refresh();
  }

  private void loadSaved() {
    saved.setItems(queue.filters(staff.person()));
  }

  void refresh() {
    boolean done = scopes.getSelectedIndex() >= 0 && scopeOfTab.get(scopes.getSelectedIndex()) == null;
    queuePart.setVisible(!done);
    donePart.setVisible(done);
    if (done) {
      showDone();
      return;
    }
    me = staff.person();
    membersOfGroup.clear();
    try {
      TaskQueue.Page page = queue.page(me, filter(), null, PAGE);
      shown.clear();
      shown.addAll(page.items());
      next = page.next();
      total = page.total();
      overdue = page.overdue();
      grid.setItems(shown);
      showCount();
      Filter f = filter();
      boolean filtered = !f.process().isEmpty() || !f.step().isEmpty() || !f.channel().isEmpty();
      empty.setText(getTranslation(filtered ? "tasks.empty.filtered" : "tasks.empty." + f.scope()));
      empty.setVisible(shown.isEmpty());
    } catch (TaskNotAllowed e) {
      grid.setItems(List.of());
      count.setText(refusal(this, e));
      more.setVisible(false);
    }
  }

  /** The next page of the same queue, after the last task shown (keyset: nothing repeats or hides). */
  private void showMore() {
    if (next == null) {
      return;
    }
    TaskQueue.Page page = queue.page(me, filter(), next, PAGE);
    shown.addAll(page.items());
    next = page.next();
    total = page.total();
    overdue = page.overdue();
    grid.getDataProvider().refreshAll();
    showCount();
  }

  private void showCount() {
    // the queue's true size and overdue count, not just what is on screen
    count.setText(getTranslation("tasks.count", total, overdue)
        + (shown.size() < total ? " · " + getTranslation("tasks.showing", shown.size()) : ""));
    more.setVisible(next != null);
  }

  /** The deadline, and beside it the forecast's flag when the step usually takes longer than this task was given. */
  private Component dueAndForecast(Item i) {
    Span due = dueBadge(i);
    var f = forecasts.forecast(i.task().caseNumber(), i.task().elementId(), i.task().createdAt(), i.task().dueAt(),
        Instant.now());
    HorizontalLayout both = new HorizontalLayout(due);
    both.setWrap(true);
    if (i.priority() > 1) {
      Span high = new Span(getTranslation("tasks.priority.high"));
      high.getElement().getThemeList().add("badge contrast small");
      both.add(high);
    }
    if (f.isPresent()) {
      Span flag = new Span(getTranslation("forecast.flag"));
      flag.getElement().getThemeList().add("badge error small");
      flag.getElement().setAttribute("title", ForecastText.of(this, f.get()));
      flag.addClassName("forecast-flag");
      both.add(flag);
    }
    both.setSpacing(false);
    both.getStyle().set("gap", "var(--lumo-space-xs)");
    return both;
  }

  private Span dueBadge(Item i) {
    Span s = new Span();
    if (i.workingDaysLeft() == null) {
      return s;
    }
    int left = i.workingDaysLeft();
    s.setText(left < 0 ? getTranslation("tasks.due.overdue", -left) : left == 0 ? getTranslation("tasks.due.today")
        : getTranslation("tasks.due.left", left));
    s.getElement().getThemeList().add(left < 0 ? "badge error" : left <= 1 ? "badge contrast" : "badge success");
    return s;
  }

  private HorizontalLayout actions(Item i) {
    HorizontalLayout h = new HorizontalLayout();
    if (i.task().assignee() == null) {
      Button claim = new Button(getTranslation("tasks.claim"), e -> act(() -> queue.claim(i.task().id(), me),
          getTranslation("tasks.done.claimed", i.task().id())));
      claim.setId("claim-" + i.task().id());
      claim.addThemeVariants(ButtonVariant.LUMO_SMALL);
      h.add(claim);
    } else if (i.task().assignee().equals(me.name()) || me.supervisor()) {
      Button release = new Button(getTranslation("tasks.release"), e -> act(() -> queue.unclaim(i.task().id(), me),
          getTranslation("tasks.done.released", i.task().id())));
      release.setId("release-" + i.task().id());
      release.addThemeVariants(ButtonVariant.LUMO_SMALL);
      h.add(release);
    }
    Button open = new Button(getTranslation("tasks.open"), e -> open(i));
    open.setId("open-" + i.task().id());
    open.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_PRIMARY);
    h.add(open);
    if (me.supervisor()) {
      ComboBox<String> to = new ComboBox<>();
      to.setPlaceholder(getTranslation("tasks.reassign"));
      to.setItems(membersOfGroup.computeIfAbsent(i.task().candidateGroup(), queue::groupMembers));
      to.setWidth("7em");
      to.setId("reassign-" + i.task().id());
      // reassigning takes the task from whoever has it: ask first, then say what happened
      to.addValueChangeListener(e -> {
        if (e.getValue() == null || !e.isFromClient()) {
          return;
        }
        String who = e.getValue();
        Dialog d = new Dialog();
        d.setId("reassign-confirm-dialog");
        d.setHeaderTitle(getTranslation("tasks.reassign.confirmTitle"));
        d.add(new Span(getTranslation("tasks.reassign.confirm", i.task().id(),
            i.task().assignee() == null ? getTranslation("tasks.reassign.nobody") : i.task().assignee(), who)));
        Button yes = new Button(getTranslation("tasks.bulk.confirm"), c -> {
          d.close();
          act(() -> queue.reassign(i.task().id(), who, me), getTranslation("tasks.done.reassigned", i.task().id(), who));
        });
        yes.setId("reassign-confirm");
        yes.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button no = new Button(getTranslation("tasks.bulk.cancel"), c -> {
          d.close();
          to.clear();
        });
        no.setId("reassign-cancel");
        d.getFooter().add(no, yes);
        d.open();
      });
      h.add(to);
    }
    return h;
  }

  private void open(Item i) {
    getUI().ifPresent(ui -> ui.navigate(TaskView.class, i.task().id()));
  }

  /** Does it and tells the person what happened (or why not). */
  private void act(Runnable r, String done) {
    try {
      r.run();
      Notification.show(done, 4000, Notification.Position.BOTTOM_START).addThemeVariants(NotificationVariant.LUMO_SUCCESS);
    } catch (TaskNotAllowed | FieldErrors e) {
      refused(e);
    }
    refresh();
  }

  private void refused(RuntimeException e) {
    Notification.show(e instanceof FieldErrors f ? String.join("; ", f.errors().values())
        : e instanceof TaskNotAllowed t ? refusal(this, t) : e.getMessage(), 5000,
        Notification.Position.MIDDLE).addThemeVariants(NotificationVariant.LUMO_ERROR);
  }

  /** Why a task action was refused, in the reader's language (the service's English when it names no reason). */
  static String refusal(Component c, TaskNotAllowed e) {
    if (e.reason() == null) {
      return e.getMessage();
    }
    // a work group by its name in the reader's language
    Object[] values = e.values().stream().map(v -> {
      String group = c.getTranslation("group." + v);
      return v instanceof String && !group.startsWith("!") ? group : v;
    }).toArray();
    return c.getTranslation("taskRefused." + e.reason(), values);
  }
}
