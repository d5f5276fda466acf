package org.cardcase.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.fakeservlet.FakeRequest;
import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.HasValueUtilsKt;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.github.mvysny.kaributesting.v10.Routes;
import com.github.mvysny.kaributesting.v10.spring.MockSpringServlet;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.tabs.Tabs;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.VaadinSession;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.cardcase.CardCaseApplication;
import org.cardcase.RunningSystem;
import org.cardcase.Scenarios;
import org.cardcase.access.Accounts;
import org.cardcase.access.StaffAdministration;
import org.cardcase.api.RetentionApi;
import org.cardcase.application.CardApplication;
import org.cardcase.application.CardApplications;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.CalendarYear;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardState;
import org.cardcase.cards.CardTransition;
import org.cardcase.casefile.CaseAccess;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.cases.Cases;
import org.cardcase.cases.OpenCount;
import org.cardcase.flow.MessageInbox;
import org.cardcase.incidents.Incidents;
import org.cardcase.reissue.Vouchers;
import org.cardcase.retention.PersonalDataRetention;
import org.cardcase.search.SearchDeadLetters;
import org.cardcase.shared.IdNumber;
import org.cardcase.tasks.HumanTask;
import org.cardcase.tasks.TaskQueue;
import org.cardcase.tasks.TaskStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The workspace views without a browser (Karibu-Testing), on the real application context: real
 * engine, PostgreSQL, workers and access rules. Search is pointed at nothing: these views read
 * PostgreSQL.
 */
// a context of its own: closed after the class, so the JVM does not close them all at its exit
@DirtiesContext
@SpringBootTest(classes = CardCaseApplication.class, properties = {
    "cardcase.search.mode=external", "cardcase.search.url=http://127.0.0.1:9", "cardcase.search.outbox-interval=1h",
    "cardcase.simulators.registry.delay=10ms", "cardcase.simulators.bank.produce-after=1h",
    "cardcase.jobs.retry-backoff=100ms"})
class WorkspaceViewsTest {
  @DynamicPropertySource
  static void ports(DynamicPropertyRegistry r) {
    r.add("cardcase.data-dir", () -> Path.of("target", "views-test-" + System.nanoTime()).toString());
    r.add("cardcase.postgres.port", RunningSystem::freePort);
    r.add("cardcase.engine.port", RunningSystem::freePort);
  }

  @Autowired ApplicationContext ctx;
  @Autowired CardApplications service;
  @Autowired TaskStore tasks;
  @Autowired Accounts accounts;
  @Autowired JdbcClient jdbc;
  @Autowired CaseRepository cases;
  @Autowired Incidents incidents;
  @Autowired MessageInbox inbox;
  @Autowired CardLifecycle cardLifecycle;
  @Autowired Vouchers vouchers;

  @BeforeEach
  void vaadin() {
    Routes routes = new Routes().autoDiscoverViews("org.cardcase.ui");
    MockVaadin.setup(UI::new, new MockSpringServlet(routes, ctx, UI::new));
  }

  @AfterEach
  void tearDown() {
    MockVaadin.tearDown();
    SecurityContextHolder.clearContext();
  }

  /** Signs in as Spring Security would, for both the security context and the request Vaadin checks roles on. */
  void signIn(String user) {
    var account = accounts.find(user).orElseThrow();
    var authorities = account.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList();
    var auth = new UsernamePasswordAuthenticationToken(new User(user, "", authorities), null, authorities);
    SecurityContextHolder.getContext().setAuthentication(auth);
    FakeRequest request = (FakeRequest) VaadinServletRequest.getCurrent().getRequest();
    request.setUserPrincipalInt(auth);
    request.setUserInRole((principal, role) -> account.roles().contains(role));
    UI.getCurrent().setLocale(Locale.ENGLISH);
  }

  static final AtomicInteger NEXT_APPLICANT = new AtomicInteger();

  HumanTask awaitReview() throws Exception {
    // a new person each time: a random pick of 400 collided now and then (one open application per person)
    String first17 = "11010519900404" + String.format("%03d", 100 + NEXT_APPLICANT.getAndIncrement() * 2);
    String idNumber = first17 + IdNumber.checkCharacter(first17);
    String sex = IdNumber.check(idNumber, LocalDate.now()).idNumber().sex().name();
    String cn = service.submit(new CardApplication("段誉", idNumber, sex, "13812345678", "ICBC", "web-portal",
        Scenarios.png(400, 500), Scenarios.png(700, 450)), "web-portal");
    HumanTask[] t = new HumanTask[1];
    Scenarios.await("the photo comparison task", () -> {
      t[0] = tasks.open(cn).stream().filter(x -> x.elementId().equals("compare-photos")).findFirst().orElse(null);
      return t[0] != null;
    });
    return t[0];
  }

  @Test
  void aClerkClaimsFromTheGroupQueueAndAnInvalidFormCompletesNothing() throws Exception {
    HumanTask task = awaitReview();
    signIn("clerk");
    UI.getCurrent().navigate(TasksView.class);
    @SuppressWarnings("unchecked")
    Grid<TaskQueue.Item> grid = _get(Grid.class, spec -> spec.withId("tasks"));
    List<TaskQueue.Item> rows = grid.getGenericDataView().getItems().toList();
    int row = rows.stream().map(i -> i.task().id()).toList().indexOf(task.id());
    assertThat(row).as("the task is in the group queue").isGreaterThanOrEqualTo(0);
    assertThat(rows.get(0).task().dueAt()).as("earliest deadline first").isBeforeOrEqualTo(rows.get(rows.size() - 1).task().dueAt());
    var cell = GridKt._getCellComponent(grid, row, "actions");
    _click(_get(cell, Button.class, spec -> spec.withId("claim-" + task.id())));
    assertThat(tasks.find(task.id()).orElseThrow().assignee()).isEqualTo("clerk");

    UI.getCurrent().navigate(TaskView.class, task.id());
    // beside the photos: the registry's score and the working days left
    assertThat(_get(Span.class, spec -> spec.withId("task-registry-score")).getText()).contains("0.72");
    assertThat(_get(Span.class, spec -> spec.withId("task-due")).getText()).containsPattern("\\d");
    @SuppressWarnings("unchecked")
    RadioButtonGroup<String> decision = _get(RadioButtonGroup.class, spec -> spec.withId("field-photoDecision"));
    decision.setValue("REQUEST_NEW_PHOTO");
    TextArea reason = _get(TextArea.class, spec -> spec.withId("field-decisionReason"));
    assertThat(reason.isVisible()).as("the reason shows for a request for a new photo").isTrue();
    _click(_get(Button.class, spec -> spec.withId("complete-task")));
    assertThat(reason.isInvalid()).isTrue();
    assertThat(reason.getErrorMessage()).isEqualTo("required");
    assertThat(tasks.find(task.id()).orElseThrow().open()).as("nothing completed").isTrue();

    decision.setValue("APPROVE");
    assertThat(reason.isVisible()).as("no reason needed to approve").isFalse();
    _click(_get(Button.class, spec -> spec.withId("complete-task")));
    assertThat(tasks.find(task.id()).orElseThrow().state()).isEqualTo("COMPLETED");
    // on to the next task of the clerk's queues if one waits, else the case file
    String at = UI.getCurrent().getInternals().getActiveViewLocation().getPath();
    boolean nextWaits = ctx.getBean(TaskQueue.class).page(new TaskQueue.Person("clerk",
        List.of("CLERK"), List.of("verification", "counter")), TaskQueue.Filter.of(
        TaskQueue.Scope.GROUPS), null, 5).total() > 0;
    if (nextWaits) {
      assertThat(at).startsWith("task/").isNotEqualTo("task/" + task.id());
      assertThat(_get(Button.class, spec -> spec.withId("complete-task"))).isNotNull();
    } else {
      assertThat(_find(Span.class, spec -> spec.withId("case-status"))).as("the case file opens").hasSize(1);
    }
  }

  @Test
  void aTaskClaimedByASupervisorMeanwhileIsRefusedInTheClerksLanguageAndShownAsItIsNow() throws Exception {
    HumanTask task = awaitReview();
    signIn("clerk");
    UI.getCurrent().navigate(TaskView.class, task.id());
    // the supervisor claims it while the clerk's page is open
    ctx.getBean(TaskQueue.class).claim(task.id(), new TaskQueue.Person("supervisor",
        List.of("SUPERVISOR"), List.of("supervisors", "verification")));
    @SuppressWarnings("unchecked")
    RadioButtonGroup<String> decision = _get(RadioButtonGroup.class, spec -> spec.withId("field-photoDecision"));
    decision.setValue("APPROVE");
    _click(_get(Button.class, spec -> spec.withId("complete-task")));
    assertThat(tasks.find(task.id()).orElseThrow().open()).isTrue();
    // the page is drawn again (a reload) and says why in the workspace's words, not the service's
    List<String> said = NotificationsKt.getNotifications().stream()
        .map(n -> n.getElement().getProperty("text", "")).toList();
    assertThat(said).singleElement().satisfies(t -> assertThat(t).contains(String.valueOf(task.id()), "supervisor")
        .doesNotContain("is claimed by"));
    assertThat(_get(Button.class, spec -> spec.withId("complete-task")).isEnabled()).isFalse();
  }

  @Test
  void aClerkGivesAClaimedTaskBackFromTheTaskPage() throws Exception {
    HumanTask task = awaitReview();
    signIn("clerk");
    ctx.getBean(TaskQueue.class).claim(task.id(), new TaskQueue.Person("clerk",
        List.of("CLERK"), List.of("verification", "counter")));
    UI.getCurrent().navigate(TaskView.class, task.id());
    _click(_get(Button.class, spec -> spec.withId("release-task")));
    assertThat(tasks.find(task.id()).orElseThrow().assignee()).as("back in the group queue").isNull();
    assertThat(UI.getCurrent().getInternals().getActiveViewLocation().getPath()).isEqualTo("tasks");
  }

  @Test
  void aQueueWithNothingInItSaysSoAndWhatToDoInstead() throws Exception {
    awaitReview();
    signIn("clerk");
    UI.getCurrent().navigate(TasksView.class);
    @SuppressWarnings("unchecked")
    ComboBox<String> channel = _get(ComboBox.class,
        spec -> spec.withId("filter-channel"));
    HasValueUtilsKt._setValue(channel, "96102"); // no open task came that way
    Span empty = _get(Span.class, spec -> spec.withId("tasks-empty"));
    assertThat(empty.isVisible()).as("not a bare grid").isTrue();
    assertThat(empty.getText()).isEqualTo(UI.getCurrent().getTranslation("tasks.empty.filtered"));
    HasValueUtilsKt._setValue(channel, null);
    assertThat(empty.isVisible()).as("tasks are waiting").isFalse();
  }

  @Test
  void aClerkOfAnotherGroupSeesNothingOfTheTaskAndNoSupervisorView() throws Exception {
    HumanTask task = awaitReview();
    signIn("clerk2");
    UI.getCurrent().navigate(TaskView.class, task.id());
    assertThat(_find(Paragraph.class, spec -> spec.withId("task-forbidden"))).hasSize(1);
    assertThat(_find(Button.class, spec -> spec.withId("complete-task"))).isEmpty();
    try {
      UI.getCurrent().navigate(SupervisionView.class);
    } catch (RuntimeException refused) {
      // Karibu surfaces the access refusal as an exception; either way the view must not show
    }
    assertThat(_find(Grid.class, spec -> spec.withId("sla-steps"))).isEmpty();
    UI.getCurrent().navigate(TasksView.class);
    assertThat(_find(Tab.class, spec -> spec.withId("scope-all"))).as("no 'all tasks' for a clerk").isEmpty();
  }

  @Test
  void theDashboardIsRefusedToClerksAndSaysWhenItsFiguresCannotBeRead() {
    signIn("clerk");
    try {
      UI.getCurrent().navigate(DashboardView.class);
    } catch (RuntimeException refused) {
      // Karibu surfaces the access refusal as an exception; either way the view must not show
    }
    assertThat(_find(Paragraph.class, spec -> spec.withId("dashboard-unavailable"))).isEmpty();
    assertThat(_find(SideNavItem.class, spec -> spec.withText("SLA dashboard"))).isEmpty();
    // search is pointed at nothing here: the analyst is told so, and no stale figures are shown
    signIn("analyst");
    UI.getCurrent().navigate(DashboardView.class);
    assertThat(_get(Paragraph.class, spec -> spec.withId("dashboard-unavailable")).getText()).contains("search index does not answer");
    assertThat(_find(Button.class, spec -> spec.withId("kpi-open"))).isEmpty();
  }

  @Test
  void aSupervisorSeesTheLoadPerStepAndTheQueuesTrueSize() throws Exception {
    HumanTask task = awaitReview();
    signIn("supervisor");
    UI.getCurrent().navigate(SupervisionView.class);
    @SuppressWarnings("unchecked")
    Grid<TaskQueue.StepLoad> steps = _get(Grid.class, spec -> spec.withId("sla-steps"));
    assertThat(steps.getGenericDataView().getItems().filter(l -> l.step().equals("compare-photos")).findFirst().orElseThrow().open())
        .isGreaterThanOrEqualTo(1);
    @SuppressWarnings("unchecked")
    Grid<OpenCount> cases = _get(Grid.class, spec -> spec.withId("sla-cases"));
    assertThat(cases.getGenericDataView().getItems().mapToLong(OpenCount::count).sum()).isGreaterThanOrEqualTo(1);
    UI.getCurrent().navigate(TasksView.class);
    long open = jdbc.sql("select count(*) from human_task where state = 'OPEN'").query(Long.class).single();
    assertThat(_get(Span.class, spec -> spec.withId("tasks-count")).getText()).as("the whole queue's size, not the page's")
        .contains(String.valueOf(open));
    assertThat(task.id()).isPositive();
  }

  @Test
  void aSupervisorReassignsSeveralTasksAtOnceAfterConfirming() throws Exception {
    HumanTask a = awaitReview();
    HumanTask b = awaitReview();
    signIn("supervisor");
    UI.getCurrent().navigate(TasksView.class);
    @SuppressWarnings("unchecked")
    Grid<TaskQueue.Item> grid = _get(Grid.class, spec -> spec.withId("tasks"));
    assertThat(_find(HorizontalLayout.class, spec -> spec.withId("bulk-bar")))
        .as("no bulk actions without a selection").isEmpty();
    grid.getGenericDataView().getItems().filter(i -> i.task().id() == a.id() || i.task().id() == b.id()).forEach(grid::select);
    assertThat(_get(Span.class, spec -> spec.withId("bulk-count")).getText()).isEqualTo("2 selected");
    @SuppressWarnings("unchecked")
    ComboBox<String> to = _get(ComboBox.class,
        spec -> spec.withId("bulk-to"));
    to.setValue("clerk");
    _click(_get(Button.class, spec -> spec.withId("bulk-reassign")));
    assertThat(tasks.find(a.id()).orElseThrow().assignee()).as("nothing moves before confirming").isNull();
    _click(_get(Button.class, spec -> spec.withId("bulk-confirm")));
    assertThat(tasks.find(a.id()).orElseThrow().assignee()).isEqualTo("clerk");
    assertThat(tasks.find(b.id()).orElseThrow().assignee()).isEqualTo("clerk");
    assertThat(grid.getSelectedItems()).as("the selection is cleared after the move").isEmpty();
  }

  @Test
  void aSupervisorReassignsOneTaskOnlyAfterConfirmingAndIsToldWhatHappened() throws Exception {
    HumanTask a = awaitReview();
    signIn("supervisor");
    UI.getCurrent().navigate(TasksView.class);
    @SuppressWarnings("unchecked")
    Grid<TaskQueue.Item> grid = _get(Grid.class, spec -> spec.withId("tasks"));
    int row = grid.getGenericDataView().getItems().map(i -> i.task().id()).toList().indexOf(a.id());
    var cell = GridKt._getCellComponent(grid, row, "actions");
    @SuppressWarnings("unchecked")
    ComboBox<String> to = _get(cell, ComboBox.class,
        spec -> spec.withId("reassign-" + a.id()));
    HasValueUtilsKt._setValue(to, "clerk");
    assertThat(tasks.find(a.id()).orElseThrow().assignee()).as("nothing moves on picking a name").isNull();
    _click(_get(Button.class, spec -> spec.withId("reassign-cancel")));
    assertThat(tasks.find(a.id()).orElseThrow().assignee()).isNull();
    HasValueUtilsKt._setValue(to, "clerk");
    _click(_get(Button.class, spec -> spec.withId("reassign-confirm")));
    assertThat(tasks.find(a.id()).orElseThrow().assignee()).isEqualTo("clerk");
    NotificationsKt.expectNotifications(
        UI.getCurrent().getTranslation("tasks.done.reassigned", a.id(), "clerk"));
  }

  @Test
  void aSupervisorCancelsTheCaseOfAnIncidentOnlyWithAReason() throws Exception {
    String first17 = "11010519900505995"; // the registry simulator stays down for this identity
    String idNumber = first17 + IdNumber.checkCharacter(first17);
    String sex = IdNumber.check(idNumber, LocalDate.now()).idNumber().sex().name();
    String cn = service.submit(new CardApplication("虚竹", idNumber, sex, "13812345678", "ICBC", "web-portal",
        Scenarios.png(400, 500), Scenarios.png(700, 450)), "web-portal");
    Scenarios.await("the incident", () -> incidents.open(100).stream().anyMatch(i -> i.caseNumber().equals(cn)));
    signIn("supervisor");
    UI.getCurrent().navigate(SupervisionView.class);
    @SuppressWarnings("unchecked")
    Grid<Incidents.Incident> grid = _get(Grid.class, spec -> spec.withId("incidents"));
    List<Incidents.Incident> rows = grid.getGenericDataView().getItems().toList();
    int row = rows.stream().map(Incidents.Incident::caseNumber).toList().indexOf(cn);
    assertThat(row).as("the incident is listed").isGreaterThanOrEqualTo(0);
    long id = rows.get(row).id();
    var cell = GridKt._getCellComponent(grid, row, "actions");
    assertThat(_get(cell, Button.class, spec -> spec.withId("incident-retry-" + id)).isEnabled()).isTrue();
    _click(_get(cell, Button.class, spec -> spec.withId("incident-cancel-" + id)));

    TextArea reason = _get(TextArea.class, spec -> spec.withId("incident-reason"));
    reason.setValue("no");
    _click(_get(Button.class, spec -> spec.withId("incident-cancel-confirm")));
    assertThat(reason.isInvalid()).as("a reason is required").isTrue();
    assertThat(cases.get(cn).closedAt()).as("nothing cancelled").isNull();

    reason.setValue("applicant moved abroad");
    _click(_get(Button.class, spec -> spec.withId("incident-cancel-confirm")));
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.CANCELLED);
    assertThat(incidents.ofCase(cn)).singleElement().satisfies(i -> assertThat(i.actedBy()).isEqualTo("supervisor"));
    assertThat(grid.getGenericDataView().getItems().map(Incidents.Incident::caseNumber))
        .as("no longer listed").doesNotContain(cn);
  }

  @Autowired CaseAccess access;

  /** A button in the account's row (grid cells are not in Karibu's component tree). */
  static Button cellButton(Grid<?> grid, int row, String id) {
    var cell = GridKt._getCellComponent(grid, row, "actions");
    return cell.getChildren().filter(c -> c.getId().orElse("").equals(id)).map(Button.class::cast).findFirst().orElseThrow();
  }

  static Button staffButton(String id, String user) {
    @SuppressWarnings("unchecked")
    Grid<StaffAdministration.StaffMember> g = _get(Grid.class, spec -> spec.withId("staff-grid"));
    int row = GridKt._findAll(g).stream()
        .map(StaffAdministration.StaffMember::username).toList().indexOf(user);
    var cell = GridKt._getCellComponent(g, row, "actions");
    return cell.getChildren().filter(c -> c.getId().orElse("").equals(id + "-" + user)).map(Button.class::cast).findFirst()
        .orElseThrow();
  }

  @Test
  void anAdministratorKeepsStaffAccountsWithEveryChangeAuditedAndBadInputRefusedAtTheField() {
    signIn("admin");
    UI.getCurrent().navigate(AdminView.class);
    _click(_get(Button.class, spec -> spec.withId("staff-create")));
    TextField username = _get(TextField.class, spec -> spec.withId("staff-field-username"));
    username.setValue("X!");
    _get(TextField.class, spec -> spec.withId("staff-field-display")).setValue("窗口办事员三");
    var password = _get(PasswordField.class, spec -> spec.withId("staff-field-password"));
    password.setValue("short");
    _click(_get(Button.class, spec -> spec.withId("staff-confirm")));
    assertThat(username.isInvalid()).isTrue();
    assertThat(password.isInvalid()).isTrue();
    assertThat(jdbc.sql("select count(*) from staff_user where username = 'clerk3'").query(Long.class).single()).isZero();
    username.setValue("clerk3");
    password.setValue("correct-horse-battery");
    @SuppressWarnings("unchecked")
    CheckboxGroup<String> roles = _get(CheckboxGroup.class,
        spec -> spec.withId("staff-field-roles"));
    roles.setValue(Set.of("CLERK"));
    @SuppressWarnings("unchecked")
    CheckboxGroup<String> groups = _get(CheckboxGroup.class,
        spec -> spec.withId("staff-field-groups"));
    groups.setValue(Set.of("counter"));
    _click(_get(Button.class, spec -> spec.withId("staff-confirm")));
    assertThat(accounts.find("clerk3").orElseThrow().groups()).containsExactly("counter");
    assertThat(Accounts.ENCODER.matches("correct-horse-battery", accounts.find("clerk3").orElseThrow().passwordHash())).isTrue();

    _click(staffButton("staff-groups", "clerk3"));
    @SuppressWarnings("unchecked")
    CheckboxGroup<String> newGroups = _get(CheckboxGroup.class,
        spec -> spec.withId("staff-field-groups"));
    newGroups.setValue(Set.of("verification", "counter"));
    _get(TextField.class, spec -> spec.withId("staff-reason")).setValue("covers the verification desk this month");
    _click(_get(Button.class, spec -> spec.withId("staff-confirm")));
    assertThat(accounts.find("clerk3").orElseThrow().groups()).containsExactly("counter", "verification");

    _click(staffButton("staff-enable", "clerk3"));
    TextField reason = _get(TextField.class, spec -> spec.withId("staff-reason"));
    _click(_get(Button.class, spec -> spec.withId("staff-confirm")));
    assertThat(reason.isInvalid()).as("a reason is required").isTrue();
    assertThat(accounts.find("clerk3")).as("still enabled").isPresent();
    reason.setValue("left the service centre");
    _click(_get(Button.class, spec -> spec.withId("staff-confirm")));
    assertThat(accounts.find("clerk3")).as("a disabled account is not found for sign-in").isEmpty();

    var trail = jdbc.sql("select actor, action from audit_entry where subject = 'account:clerk3' order by seq")
        .query((rs, i) -> rs.getString(1) + " " + rs.getString(2)).list();
    assertThat(trail).containsExactly("admin ACCOUNT_CREATED", "admin ACCOUNT_GROUPS_CHANGED", "admin ACCOUNT_DISABLED");
    assertThat(jdbc.sql("select detail::text from audit_entry where subject = 'account:clerk3'").query(String.class).list())
        .as("no password in the trail").noneMatch(d -> d.contains("correct-horse"));

    // the component health as the health endpoint reports it
    _get(TabSheet.class, spec -> spec.withId("admin-tabs")).setSelectedIndex(2);
    @SuppressWarnings("unchecked")
    Grid<Map.Entry<String, ?>> health = _get(Grid.class, spec -> spec.withId("health-grid"));
    assertThat(GridKt._findAll(health)).extracting(Map.Entry::getKey)
        .contains("db", "engine", "search");
  }

  /**
   * The search tab shows the cases the index refused (case, document, reason, time); Retry puts one
   * back into the outbox, Skip needs a reason; both in the case's audit trail. (Search is pointed at
   * nothing here: the refusals are as the indexer records them, see SearchDeadLettersTest.)
   */
  @Test
  void anAdministratorSeesTheCasesTheSearchIndexRefusedAndRetriesOneAndSkipsAnotherWithAReason() {
    String first = "SV" + System.nanoTime() % 1_000_000_000L;
    String second = first + "2";
    for (String cn : List.of(first, second)) {
      jdbc.sql("""
          insert into card_case (case_number, case_type, status, current_step, channel, applicant_name, id_number, sex, phone, issuing_bank)
          values (?, 'CARD_APPLICATION', 'IN_PROGRESS', 'compare-photos', 'web-portal', '王测试', ?, 'MALE', '13800000000', 'ICBC')""")
          .params(cn, "1101051980" + String.format("%08d", Math.floorMod(cn.hashCode(), 100_000_000))).update(); // a person each
      jdbc.sql("""
          insert into search_dead_letter (case_number, document_index, document_id, http_status, error_type, reason)
          values (?, 'cardcase-cases-v5', ?, 400, 'document_parsing_exception',
            'document_parsing_exception: failed to parse field [issuingBank] of type [keyword]')""").params(cn, cn).update();
    }
    long outboxBefore = jdbc.sql("select count(*) from search_outbox where case_number = ?").param(first).query(Long.class).single();
    signIn("admin");
    UI.getCurrent().navigate(AdminView.class);
    _get(TabSheet.class, spec -> spec.withId("admin-tabs")).setSelectedIndex(1);
    assertThat(_get(Span.class, spec -> spec.withId("search-backlog")).getText()).contains("Cases refused by the index:");
    @SuppressWarnings("unchecked")
    Grid<SearchDeadLetters.DeadLetter> grid = _get(Grid.class, spec -> spec.withId("search-dead-letters"));
    List<SearchDeadLetters.DeadLetter> rows = GridKt._findAll(grid);
    assertThat(rows).extracting(SearchDeadLetters.DeadLetter::caseNumber).contains(first, second);
    int row = rows.stream().map(SearchDeadLetters.DeadLetter::caseNumber).toList().indexOf(first);
    assertThat(GridKt._getFormattedRow(grid, row))
        .anySatisfy(c -> assertThat(c).contains("400 document_parsing_exception: failed to parse field [issuingBank]"))
        .anySatisfy(c -> assertThat(c).isEqualTo(first))
        .anySatisfy(c -> assertThat(c).contains("cardcase-cases-v5 / " + first));

    long firstId = rows.get(row).id();
    _click(cellButton(grid, row, "dead-letter-retry-" + firstId));
    assertThat(jdbc.sql("select state from search_dead_letter where id = ?").param(firstId).query(String.class).single())
        .isEqualTo("RETRIED");
    assertThat(jdbc.sql("select count(*) from search_outbox where case_number = ?").param(first).query(Long.class).single())
        .as("back in the outbox").isEqualTo(outboxBefore + 1);

    rows = GridKt._findAll(grid);
    int secondRow = rows.stream().map(SearchDeadLetters.DeadLetter::caseNumber).toList().indexOf(second);
    assertThat(secondRow).as("still shown").isGreaterThanOrEqualTo(0);
    long secondId = rows.get(secondRow).id();
    _click(cellButton(grid, secondRow, "dead-letter-skip-" + secondId));
    TextField reason = _get(TextField.class, spec -> spec.withId("dead-letter-reason"));
    _click(_get(Button.class, spec -> spec.withId("dead-letter-skip-confirm")));
    assertThat(reason.isInvalid()).as("a reason is required").isTrue();
    assertThat(jdbc.sql("select state from search_dead_letter where id = ?").param(secondId).query(String.class).single())
        .isEqualTo("REFUSED");
    reason.setValue("a test case, never searched");
    _click(_get(Button.class, spec -> spec.withId("dead-letter-skip-confirm")));
    assertThat(jdbc.sql("select state || ' ' || resolved_by || ' ' || note from search_dead_letter where id = ?").param(secondId)
        .query(String.class).single()).isEqualTo("SKIPPED admin a test case, never searched");
    assertThat(GridKt._findAll(grid))
        .extracting(SearchDeadLetters.DeadLetter::caseNumber).doesNotContain(first, second);
    assertThat(jdbc.sql("select actor || ' ' || action from audit_entry where subject in (?, ?) order by subject, seq")
        .params("case:" + first, "case:" + second).query(String.class).list())
        .containsExactly("admin SEARCH_DOCUMENT_RETRIED", "admin SEARCH_DOCUMENT_SKIPPED");
  }

  @Test
  void aClerkSeesWhatTheyFinishedTodayWithTheirDecisionInTheirLanguage() throws Exception {
    HumanTask task = awaitReview();
    tasks.complete(task.id(), "clerk", List.of("verification", "counter"), Map.of("photoDecision", "APPROVE"));
    signIn("clerk");
    UI.getCurrent().setLocale(Locale.SIMPLIFIED_CHINESE);
    UI.getCurrent().navigate(TasksView.class);
    var tabs = _get(Tabs.class, spec -> spec.withId("task-scopes"));
    tabs.setSelectedTab(_get(Tab.class, spec -> spec.withId("scope-done")));
    String summary = _get(Span.class, spec -> spec.withId("done-summary")).getText();
    assertThat(summary).startsWith("今天您办结了");
    @SuppressWarnings("unchecked")
    Grid<TaskQueue.Done> done = _get(Grid.class, spec -> spec.withId("done-grid"));
    var rows = GridKt._findAll(done);
    assertThat(rows).extracting(TaskQueue.Done::caseNumber).contains(task.caseNumber());
    int row = rows.stream().map(TaskQueue.Done::caseNumber).toList().indexOf(task.caseNumber());
    assertThat(GridKt._getFormattedRow(done, row)).contains("同一人，通过");
    long today = rows.size();
    assertThat(summary).contains(String.valueOf(today));
    assertThat(_find(Grid.class, spec -> spec.withId("tasks"))).as("the queue is not shown meanwhile").isEmpty();
    // the case file: the review's deadline belongs to a step the case has passed, so no time is left on it
    Scenarios.await("the case moved on", () -> !cases.find(task.caseNumber()).orElseThrow().currentStep()
        .equals("compare-photos"));
    UI.getCurrent().navigate(CaseView.class, task.caseNumber());
    assertThat(_get(Span.class, spec -> spec.withId("deadline-reviewDueAt")).getText()).contains("所属环节已办结")
        .doesNotContain("剩余");
    signIn("clerk2");
    UI.getCurrent().navigate(CalendarView.class); // leave, so the queue page is drawn anew for clerk2
    UI.getCurrent().navigate(TasksView.class);
    var tabs2 = _get(Tabs.class, spec -> spec.withId("task-scopes"));
    tabs2.setSelectedTab(_get(Tab.class, spec -> spec.withId("scope-done")));
    @SuppressWarnings("unchecked")
    Grid<TaskQueue.Done> other = _get(Grid.class, spec -> spec.withId("done-grid"));
    assertThat(GridKt._findAll(other)).as("only one's own work")
        .extracting(TaskQueue.Done::caseNumber).doesNotContain(task.caseNumber());
  }

  @Test
  void aClerkOpensOnlyTheFilesOfCasesTheirWorkGroupsHandleAndARefusalIsAudited() throws Exception {
    HumanTask task = awaitReview(); // a photo comparison for the verification group
    signIn("clerk2"); // card centre only
    UI.getCurrent().navigate(CaseView.class, task.caseNumber());
    assertThat(_get(Paragraph.class, spec -> spec.withId("case-not-yours")).getText()).contains(task.caseNumber());
    assertThat(_find(Span.class, spec -> spec.withId("case-name"))).as("nothing of the person is shown").isEmpty();
    assertThat(_find(Button.class, spec -> spec.withId("reveal-personal-data"))).isEmpty();
    var clerk2 = accounts.find("clerk2").orElseThrow();
    var person2 = new TaskQueue.Person(clerk2.name(), clerk2.roles(), clerk2.groups());
    // the same rule guards the API (403) and photos; looking, even refused, grants nothing
    Assertions.assertThatThrownBy(() -> access.require(task.caseNumber(), person2, "staff-api"))
        .isInstanceOf(CaseAccess.NotYourCase.class);
    List<String> byClerk2 = jdbc.sql("select action from audit_entry where subject = ? and actor = 'clerk2' order by seq")
        .param("case:" + task.caseNumber()).query(String.class).list();
    assertThat(byClerk2).containsExactly("CASE_VIEW_REFUSED", "CASE_VIEW_REFUSED");
    signIn("clerk"); // verification: the group has the task
    UI.getCurrent().setLocale(Locale.SIMPLIFIED_CHINESE);
    UI.getCurrent().navigate(CaseView.class, task.caseNumber());
    assertThat(_find(Paragraph.class, spec -> spec.withId("case-not-yours"))).isEmpty();
    assertThat(_get(Span.class, spec -> spec.withId("case-name")).getText()).isEqualTo("段*");
    // the card history in the reader's language, channels by name
    @SuppressWarnings("unchecked")
    Grid<CardTransition> history = _get(Grid.class, spec -> spec.withId("card-history"));
    assertThat(GridKt._getFormattedRow(history, 0)).contains("已受理申请", "网上服务大厅")
        .doesNotContain("application received").doesNotContain("web-portal");
    var analyst = accounts.find("analyst").orElseThrow();
    assertThat(access.openable(List.of(task.caseNumber()), new TaskQueue.Person("analyst", analyst.roles(),
        analyst.groups()))).as("analysts open no case files").isEmpty();
    var super1 = accounts.find("supervisor").orElseThrow();
    assertThat(access.mayOpen(task.caseNumber(), new TaskQueue.Person("supervisor", super1.roles(), List.of())))
        .as("a supervisor opens every file").isTrue();
  }

  @Test
  void theCaseFileShowsPersonalDataMaskedUntilAReasonIsGivenAndAuditsIt() throws Exception {
    HumanTask task = awaitReview();
    signIn("supervisor");
    UI.getCurrent().navigate(CaseView.class, task.caseNumber());
    // a supervisor reads the audit details as labelled fields, codes in words, not a raw map
    @SuppressWarnings("unchecked")
    Grid<AuditTrail.Entry> trail = _get(Grid.class, spec -> spec.withId("audit-timeline"));
    var received = GridKt._getCellComponent(trail, 0, "detail");
    String detail = received.getElement().getTextRecursively();
    assertThat(detail).doesNotContain("{").doesNotContain("caseType=").doesNotContain("CARD_APPLICATION");
    assertThat(detail).containsAnyOf("Case type: Card application", "业务类型: 社保卡申领");
    Span name = _get(Span.class, spec -> spec.withId("case-name"));
    assertThat(name.getText()).isEqualTo("段*");
    _click(_get(Button.class, spec -> spec.withId("reveal-personal-data")));
    TextField reason = _get(TextField.class, spec -> spec.withId("reveal-reason"));
    _click(_get(Button.class, spec -> spec.withId("reveal-confirm")));
    assertThat(reason.isInvalid()).as("a reason is required").isTrue();
    assertThat(name.getText()).isEqualTo("段*");
    reason.setValue("citizen on the phone asked to confirm the spelling");
    _click(_get(Button.class, spec -> spec.withId("reveal-confirm")));
    assertThat(name.getText()).isEqualTo("段誉");
    List<String> actions = jdbc.sql("select action from audit_entry where subject = ? order by seq").param("case:" + task.caseNumber())
        .query(String.class).list();
    assertThat(actions).contains("CASE_VIEWED", "PERSONAL_DATA_VIEWED");
    BpmnViewer main = _get(BpmnViewer.class, spec -> spec.withId("diagram-card-application"));
    assertThat(main.getElement().getAttribute("data-highlight")).isEqualTo("verify-identity");
    BpmnViewer inner = _get(BpmnViewer.class, spec -> spec.withId("diagram-real-name-verification"));
    assertThat(inner.getElement().getAttribute("data-highlight")).as("the step inside the verification").isEqualTo("compare-photos");
  }

  /** The case file says who looked at the case, when, from where and why; for supervisors, not clerks. */
  @Test
  void aSupervisorSeesWhoLookedAtTheCaseAndWhyInTheirLanguageAndAClerkDoesNot() throws Exception {
    HumanTask task = awaitReview();
    String cn = task.caseNumber();
    signIn("clerk"); // verification: the group has the task
    UI.getCurrent().navigate(CaseView.class, cn);
    assertThat(_find(Grid.class, spec -> spec.withId("looks"))).as("clerks do not read the trail of looks").isEmpty();
    _click(_get(Button.class, spec -> spec.withId("reveal-personal-data")));
    _get(TextField.class, spec -> spec.withId("reveal-reason")).setValue("申请人来电核对姓名");
    _click(_get(Button.class, spec -> spec.withId("reveal-confirm")));

    signIn("supervisor");
    UI.getCurrent().setLocale(Locale.SIMPLIFIED_CHINESE);
    UI.getCurrent().navigate(CaseView.class, cn);
    assertThat(_find(H3.class, spec -> spec.withText("查阅记录"))).hasSize(1);
    @SuppressWarnings("unchecked")
    Grid<AuditTrail.Entry> looks = _get(Grid.class, spec -> spec.withId("looks"));
    List<AuditTrail.Entry> rows = looks.getGenericDataView().getItems().toList();
    assertThat(rows).extracting(AuditTrail.Entry::action)
        .containsExactly("CASE_VIEWED", "PERSONAL_DATA_VIEWED", "CASE_VIEWED")
        .as("changes are not looks").doesNotContain("CASE_RECEIVED");
    List<String> reveal = GridKt._getFormattedRow(looks, 1);
    assertThat(reveal).contains("clerk", "工作台", "查看完整个人信息", "申请人来电核对姓名");
    assertThat(reveal.get(0)).as("a date as a Chinese reader writes it").contains("年").contains("月");
    assertThat(reveal.get(2)).isEqualTo("工作台").isNotEqualTo("workspace");
    assertThat(_get(Span.class, spec -> spec.withId("looks-count")).getText()).contains("3");

    UI.getCurrent().setLocale(Locale.ENGLISH);
    UI.getCurrent().navigate(CaseView.class, cn);
    assertThat(_find(H3.class, spec -> spec.withText("Who looked"))).hasSize(1);
    @SuppressWarnings("unchecked")
    Grid<AuditTrail.Entry> inEnglish = _get(Grid.class, spec -> spec.withId("looks"));
    assertThat(GridKt._getFormattedRow(inEnglish, 1)).contains("Workspace", "Personal data shown");
  }

  @Test
  void anAdministratorAddsACalendarYearInTheTableAndABadDayChangesNothing() {
    signIn("admin");
    UI.getCurrent().navigate(CalendarView.class);
    IntegerField year = _get(IntegerField.class,
        spec -> spec.withId("calendar-year"));
    TextArea days = _get(TextArea.class, spec -> spec.withId("calendar-days"));
    TextField source = _get(TextField.class, spec -> spec.withId("calendar-source"));
    TextField reason = _get(TextField.class, spec -> spec.withId("calendar-reason"));
    @SuppressWarnings("unchecked")
    Grid<CalendarView.Row> table = _get(Grid.class, spec -> spec.withId("calendar-table"));
    HasValueUtilsKt._setValue(year, 2031);
    // the notice's lines go into the table, which is what is saved
    days.setValue("2031-01-01,holiday,New Year\n2031-01-07,workday,New Year");
    _click(_get(Button.class, spec -> spec.withId("calendar-paste")));
    assertThat(GridKt._size(table)).isEqualTo(2);
    source.setValue("test notice");
    reason.setValue("test");
    _click(_get(Button.class, spec -> spec.withId("calendar-save")));
    Div errors = _get(Div.class, spec -> spec.withId("calendar-errors"));
    assertThat(errors.getText()).contains("Jan 7, 2031").contains("Saturday or Sunday");
    var bad = (DatePicker) GridKt._getCellComponent(table, 1,
        "date");
    assertThat(bad.isInvalid()).as("the refused day is marked at its row").isTrue();
    assertThat(jdbc.sql("select count(*) from calendar_year where year = 2031").query(Long.class).single()).isZero();

    // corrected in the table: the make-up day moved to the Saturday
    bad.setValue(LocalDate.of(2031, 1, 4));
    _click(_get(Button.class, spec -> spec.withId("calendar-save")));
    assertThat(errors.getText()).isEmpty();
    assertThat(jdbc.sql("select day::text from calendar_day where year = 2031 order by day").query(String.class).list())
        .containsExactly("2031-01-01", "2031-01-04");
    assertThat(jdbc.sql("select actor from audit_entry where subject = 'calendar:2031'").query(String.class).list()).containsExactly("admin");
    // typing another year shows that year, never the previous year's days; every bad line is said
    HasValueUtilsKt._setValue(year, 2032);
    assertThat(source.getValue()).as("not 2031's source").isEmpty();
    assertThat(GridKt._size(table)).isZero();
    HasValueUtilsKt._setValue(year, 2031);
    assertThat(source.getValue()).isEqualTo("test notice");
    assertThat(GridKt._size(table)).isEqualTo(2);
    HasValueUtilsKt._setValue(year, 2032);
    days.setValue("2032-01-01,holiday,New Year\nnot a line\n2032-13-01,holiday,x\n2032-01-05,sometimes,y");
    _click(_get(Button.class, spec -> spec.withId("calendar-paste")));
    assertThat(errors.getText()).contains("Line 2").contains("Line 3").contains("Line 4");
    assertThat(GridKt._size(table)).as("a bad paste leaves the table as it was").isZero();
  }

  @Test
  void theCalendarSaysItsDaysAndRefusalsInChinese() {
    signIn("admin");
    UI.getCurrent().setLocale(Locale.SIMPLIFIED_CHINESE);
    UI.getCurrent().navigate(CalendarView.class);
    HasValueUtilsKt._setValue(
        _get(IntegerField.class, spec -> spec.withId("calendar-year")), 2033);
    _get(TextArea.class, spec -> spec.withId("calendar-days")).setValue("2033-01-03,workday,New Year");
    _click(_get(Button.class, spec -> spec.withId("calendar-paste")));
    _click(_get(Button.class, spec -> spec.withId("calendar-save")));
    String said = _get(Div.class, spec -> spec.withId("calendar-errors")).getText();
    assertThat(said).contains("2033年1月3日").contains("调休上班日应为周六或周日").contains("请说明安排的来源").doesNotContain("Saturday");
    // a loaded year's days: the date in the reader's format and the occasion in their language
    @SuppressWarnings("unchecked")
    Grid<CalendarYear> years = _get(Grid.class, spec -> spec.withId("calendar-years"));
    var y2026 = GridKt._findAll(years).stream().filter(y -> y.year() == 2026).findFirst().orElseThrow();
    String list = _get(CalendarView.class).daysOf(y2026);
    assertThat(list).contains("2026年1月1日 · 放假 · 元旦").contains("春节").doesNotContain("Spring Festival");
  }

  @Test
  void aClerkSeesTheCalendarButCannotChangeIt() {
    signIn("clerk");
    UI.getCurrent().navigate(CalendarView.class);
    assertThat(_find(Grid.class, spec -> spec.withId("calendar-years"))).hasSize(1);
    assertThat(_find(Button.class, spec -> spec.withId("calendar-save"))).isEmpty();
  }

  // ---- the self-service terminal ----

  /** A card waiting at the branch: the application reviewed and the card made by the bank, not yet activated. */
  Card cardAtTheBranch() throws Exception {
    HumanTask review = awaitReview();
    String cn = review.caseNumber();
    tasks.complete(review.id(), "clerk", List.of("verification", "counter"), Map.of("photoDecision", "APPROVE"));
    Scenarios.await("the card ordered", () -> cases.find(cn).orElseThrow().currentStep().equals("wait-card-produced"));
    inbox.receive("test-produced-" + cn, "card-produced", cn, "card-production",
        Map.of("cardNumber", "T" + cn.substring(cn.length() - 8)));
    Scenarios.await("the card at the branch", () -> cases.find(cn).orElseThrow().currentStep().equals("wait-card-activated")
        && cardLifecycle.byCase(cn).orElseThrow().state() == CardState.AWAITING_ACTIVATION);
    return cardLifecycle.byCase(cn).orElseThrow();
  }

  /** A card in use: made, then activated at the branch. */
  Card activeCard() throws Exception {
    return activated(cardAtTheBranch());
  }

  Card activated(Card card) throws Exception {
    String cn = card.caseNumber();
    inbox.receive("test-activated-" + cn, "card-activated", cn, "card-production", Map.of("branch", "test branch"));
    Scenarios.await("the card in use",
        () -> cardLifecycle.byCase(cn).orElseThrow().state() == CardState.ACTIVE);
    return cardLifecycle.byCase(cn).orElseThrow();
  }

  /** A supervisor's move of the card by hand (as after a loss report). */
  void moveCard(Card card, CardState to) {
    ctx.getBean(TransactionTemplate.class).executeWithoutResult(s ->
        cardLifecycle.move(card.cardId(), to, "supervisor", "counter", "test: the card is " + to, "test-" + to));
  }

  /** The terminal as its channel account opens it, for a new visitor (in Chinese, unless {@code locale} says otherwise). */
  void atTheTerminal(Locale locale) {
    MockVaadin.tearDown();
    vaadin();
    signIn("terminal");
    VaadinSession.getCurrent().setAttribute(TerminalView.LOCALE, locale);
    UI.getCurrent().navigate(TerminalView.class);
  }

  void identify(String number, String by) {
    _get(TextField.class, spec -> spec.withId("terminal-identify-number")).setValue(number);
    _click(_get(Button.class, spec -> spec.withId(by)));
  }

  static String screenText() {
    return _get(Div.class, spec -> spec.withId("terminal-screen")).getElement().getTextRecursively();
  }

  @Test
  void aCardReportedLostOrSuspendedIdentifiesNobodyAtTheTerminalAndItsHolderGoesOnWithTheIdCard() throws Exception {
    Card card = activeCard();
    String number = card.medicalInsuranceNumber();
    assertThat(number).matches("\\d{11}");

    // in use: the card identifies its holder, who sees the number in full
    atTheTerminal(null);
    identify(card.cardNumber(), "terminal-by-card");
    _click(_get(Button.class, spec -> spec.withId("terminal-number")));
    assertThat(_get(Span.class, spec -> spec.withId("terminal-number-value")).getText()).isEqualTo(number);

    // provisionally reported lost: refused with its reason in Chinese, nothing of the holder shown
    moveCard(card, CardState.SUSPENDED);
    atTheTerminal(null);
    identify(card.cardNumber(), "terminal-by-card");
    assertThat(_get(Div.class, spec -> spec.withId("terminal-identify-error")).getText())
        .isEqualTo("此卡已临时挂失，不能用于身份识别；请刷身份证");
    assertThat(_find(Button.class, spec -> spec.withId("terminal-number"))).as("no menu").isEmpty();
    assertThat(_find(Span.class, spec -> spec.withId("terminal-number-value"))).isEmpty();
    assertThat(screenText()).doesNotContain(number).doesNotContain(card.holderName()).doesNotContain("段");

    // reported lost formally: refused, in English for a visitor who asked for it
    moveCard(card, CardState.LOST);
    atTheTerminal(Locale.ENGLISH);
    identify(card.cardNumber(), "terminal-by-card");
    assertThat(_get(Div.class, spec -> spec.withId("terminal-identify-error")).getText())
        .isEqualTo("This card is reported lost and cannot identify you; please swipe your ID card");
    assertThat(_find(Button.class, spec -> spec.withId("terminal-certificate"))).as("no reprint of a voucher").isEmpty();
    assertThat(screenText()).doesNotContain(number);

    // the holder swipes the ID card and is served as before
    atTheTerminal(null);
    identify(card.holderIdNumber(), "terminal-by-id-card");
    _click(_get(Button.class, spec -> spec.withId("terminal-number")));
    assertThat(_get(Span.class, spec -> spec.withId("terminal-number-value")).getText()).isEqualTo(number);
  }

  @Test
  void aCardNotYetActivatedOrCancelledSaysSoInTheReadersLanguage() throws Exception {
    Card card = cardAtTheBranch();
    assertThat(card.state()).isEqualTo(CardState.AWAITING_ACTIVATION);
    atTheTerminal(null);
    identify(card.cardNumber(), "terminal-by-card");
    assertThat(_get(Div.class, spec -> spec.withId("terminal-identify-error")).getText())
        .isEqualTo("此卡尚未激活，不能用于身份识别；请刷身份证");
    assertThat(_find(Button.class, spec -> spec.withId("terminal-number"))).isEmpty();

    card = activated(card);
    moveCard(card, CardState.CANCELLED);
    atTheTerminal(null);
    identify(card.cardNumber().toLowerCase(), "terminal-by-card");
    assertThat(_get(Div.class, spec -> spec.withId("terminal-identify-error")).getText())
        .isEqualTo("此卡已注销，不能用于身份识别；请刷身份证");
    atTheTerminal(Locale.ENGLISH);
    identify(card.cardNumber(), "terminal-by-card");
    assertThat(_get(Div.class, spec -> spec.withId("terminal-identify-error")).getText())
        .isEqualTo("This card is cancelled and cannot identify you; please swipe your ID card");
    assertThat(screenText()).doesNotContain(card.medicalInsuranceNumber());
  }

  @Test
  void aCertificateIsPrintedAgainForACardholderOnlyWithTheHoldersOwnIdCard() throws Exception {
    Card card = activeCard();
    // a pickup certificate of this holder (which cards it names does not matter to printing it again)
    String certificate = vouchers.issue(card.caseNumber(), card.holderIdNumber(), card.holderName(), card.cardId(), card.cardId(),
        LocalDate.now(), LocalDate.now().plusDays(21), "counter");
    String someoneElse = "11010519900404" + "998";
    someoneElse += IdNumber.checkCharacter(someoneElse);

    atTheTerminal(null);
    identify(card.cardNumber(), "terminal-by-card");
    _click(_get(Button.class, spec -> spec.withId("terminal-certificate")));
    assertThat(_find(Anchor.class, spec -> spec.withId("terminal-certificate-print")))
        .as("not printed on the card alone").isEmpty();
    assertThat(screenText()).contains("重新打印领卡凭证须凭持卡人本人身份证").doesNotContain(certificate);
    TextField id = _get(TextField.class, spec -> spec.withId("terminal-id-card-number"));
    var error = _get(Div.class, spec -> spec.withId("terminal-id-card-error"));
    id.setValue(someoneElse);
    _click(_get(Button.class, spec -> spec.withId("terminal-id-card-confirm")));
    assertThat(error.getText()).isEqualTo("此身份证不是持卡人本人的；领卡凭证只凭持卡人本人身份证重新打印");
    assertThat(_find(Anchor.class, spec -> spec.withId("terminal-certificate-print"))).isEmpty();
    id.setValue(someoneElse.substring(0, 17) + (someoneElse.endsWith("0") ? "1" : "0"));
    _click(_get(Button.class, spec -> spec.withId("terminal-id-card-confirm")));
    assertThat(error.getText()).startsWith("身份证号无效");
    assertThat(_find(Anchor.class, spec -> spec.withId("terminal-certificate-print"))).isEmpty();
    // the holder's own ID card: the certificate is there to print; once swiped, it is not asked again
    id.setValue(card.holderIdNumber().toLowerCase());
    _click(_get(Button.class, spec -> spec.withId("terminal-id-card-confirm")));
    assertThat(_find(Anchor.class, spec -> spec.withId("terminal-certificate-print"))).hasSize(1);
    assertThat(screenText()).contains(certificate);
    _click(_get(Button.class, spec -> spec.withId("terminal-back")));
    _click(_get(Button.class, spec -> spec.withId("terminal-certificate")));
    assertThat(_find(Anchor.class, spec -> spec.withId("terminal-certificate-print"))).hasSize(1);

    // in English too
    atTheTerminal(Locale.ENGLISH);
    identify(card.cardNumber(), "terminal-by-card");
    _click(_get(Button.class, spec -> spec.withId("terminal-certificate")));
    _get(TextField.class, spec -> spec.withId("terminal-id-card-number")).setValue(someoneElse);
    _click(_get(Button.class, spec -> spec.withId("terminal-id-card-confirm")));
    assertThat(_get(Div.class, spec -> spec.withId("terminal-id-card-error")).getText())
        .isEqualTo("This is not the card holder's ID card; the voucher is printed again only with the holder's own");

    // who identified by the ID card prints it as before
    atTheTerminal(null);
    identify(card.holderIdNumber(), "terminal-by-id-card");
    _click(_get(Button.class, spec -> spec.withId("terminal-certificate")));
    assertThat(_find(Anchor.class, spec -> spec.withId("terminal-certificate-print"))).hasSize(1);
  }

  /** A pickup date counted into a year whose arrangement is not published says so at the counter and the terminal. */
  @Test
  void aProvisionalCollectionDateIsSaidSoAtTheCounterAndTheTerminal() throws Exception {
    Card card = activeCard();
    String certificate = vouchers.issue(card.caseNumber(), card.holderIdNumber(), card.holderName(), card.cardId(), card.cardId(),
        LocalDate.now(), LocalDate.of(2027, 1, 1), true, "counter", Instant.now());
    signIn("clerk");
    UI.getCurrent().navigate(CounterView.class);
    _get(TabSheet.class, spec -> spec.withId("counter-tabs")).setSelectedIndex(4);
    _get(TextField.class, spec -> spec.withId("voucher-number")).setValue(certificate);
    _click(_get(Button.class, spec -> spec.withId("voucher-check")));
    assertThat(_get(Div.class, spec -> spec.withId("voucher-pickup")).getElement().getTextRecursively())
        .contains("provisional: the 2027 holiday arrangement is not published yet");

    atTheTerminal(null);
    identify(card.holderIdNumber(), "terminal-by-id-card");
    _click(_get(Button.class, spec -> spec.withId("terminal-certificate")));
    assertThat(screenText()).contains("暂定：2027年节假日安排尚未公布");
  }

  /** A delegate reports only in a special circumstance, chosen on the counter screen; the centre's own rules are shown. */
  @Test
  void theCounterAsksADelegateForTheSpecialCircumstanceAndShowsTheCentresOwnRules() throws Exception {
    signIn("clerk");
    UI.getCurrent().navigate(CounterView.class);
    _get(TabSheet.class, spec -> spec.withId("counter-tabs")).setSelectedIndex(1);
    assertThat(_get(Paragraph.class, spec -> spec.withId("reissue-centre-rules")).getText())
        .contains("never activated", "no copy");
    @SuppressWarnings("unchecked")
    RadioButtonGroup<String> applicant = _get(RadioButtonGroup.class, spec -> spec.withId("reissue-applicant"));
    assertThat(_find(Select.class, spec -> spec.withId("reissue-delegateCircumstance")))
        .as("only for a delegate").isEmpty();
    applicant.setValue("DELEGATE");
    @SuppressWarnings("unchecked")
    Select<String> circumstance =
        _get(Select.class, spec -> spec.withId("reissue-delegateCircumstance"));
    _click(_get(Button.class, spec -> spec.withId("reissue-accept")));
    assertThat(circumstance.isInvalid()).isTrue();
    assertThat(circumstance.getErrorMessage()).contains("special circumstances");
    assertThat(circumstance.getGenericDataView().getItems().toList())
        .containsExactly("HIGH_MOBILITY", "LONG_WORKING_HOURS", "ILLNESS_OR_INJURY", "OTHER");
    assertThat(_get(Checkbox.class, spec -> spec.withId("reissue-newPhoto")).getLabel())
        .contains("new photo");
  }

  /** A document removed after the retention period is said to be so, with the date, not a dead link. */
  @Test
  void theCaseFileSaysADocumentWasRemovedAfterTheRetentionPeriodInsteadOfABrokenImage() throws Exception {
    HumanTask task = awaitReview(); // a portrait and an ID card scan
    // as if the case had closed long ago (rejected, its card cancelled): its photos and scans are past their period
    jdbc.sql("update card_case set closed_at = now() - interval '400 days' where case_number = ?").param(task.caseNumber()).update();
    jdbc.sql("update card set state = 'CANCELLED' where case_number = ?").param(task.caseNumber()).update();
    var run = ctx.getBean(PersonalDataRetention.class).run("test");
    assertThat(run.documentsRemoved()).isGreaterThanOrEqualTo(2);
    // what administrators see at /api/admin/retention; a run now finds nothing more to do
    var api = ctx.getBean(RetentionApi.class);
    assertThat(api.status().get("lastRun")).isEqualTo(run);
    var again = api.runNow(() -> "admin");
    assertThat(again.trigger()).isEqualTo("admin:admin");
    assertThat(again.cases()).isZero();
    signIn("supervisor");
    UI.getCurrent().setLocale(Locale.SIMPLIFIED_CHINESE);
    UI.getCurrent().navigate(CaseView.class, task.caseNumber());
    List<Span> removed = _find(Span.class, spec -> spec.withClasses("document-removed"));
    assertThat(removed).hasSizeGreaterThanOrEqualTo(2);
    assertThat(removed.get(0).getText()).contains("已超过保存期限，已删除").containsPattern("\\d{4}");
    assertThat(_find(Anchor.class)).as("no link to content that is gone")
        .noneMatch(a -> a.getText().contains("本人证件照"));
    @SuppressWarnings("unchecked")
    Grid<AuditTrail.Entry> trail = _get(Grid.class, spec -> spec.withId("audit-timeline"));
    var entries = GridKt._findAll(trail);
    int row = entries.stream().map(AuditTrail.Entry::action).toList().indexOf("RETENTION_APPLIED");
    assertThat(row).as("the retention entry in the case's audit trail").isGreaterThanOrEqualTo(0);
    assertThat(GridKt._getFormattedRow(trail, row)).contains("超过保存期限，已删除");
    UI.getCurrent().setLocale(Locale.ENGLISH);
    UI.getCurrent().navigate(CalendarView.class);
    UI.getCurrent().navigate(CaseView.class, task.caseNumber());
    assertThat(_find(Span.class, spec -> spec.withClasses("document-removed")).get(0).getText())
        .contains("removed after the retention period");
  }
}
