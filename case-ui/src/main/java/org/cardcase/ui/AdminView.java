package org.cardcase.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.cardcase.access.SignInGuard;
import org.cardcase.access.StaffAdministration;
import org.cardcase.access.StaffAdministration.StaffMember;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.search.SearchDeadLetters;
import org.cardcase.search.SearchOutbox;
import org.cardcase.shared.FieldErrors;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;

/**
 * What an administrator keeps: the staff accounts (create, work groups, disable, new password,
 * unlock; each with a reason, in the account's audit trail), the search index (its backlog, the
 * cases it refused with Retry and Skip, and a rebuild from PostgreSQL) and the health of each
 * component, as the health endpoint reports it.
 */
@Route(value = "admin", layout = MainLayout.class)
@PageTitle("CardCase")
@RolesAllowed("ADMIN")
public class AdminView extends VerticalLayout {
  private final StaffAdministration admin;
  private final SignInGuard signIn;
  private final SearchOutbox outbox;
  private final SearchDeadLetters deadLetters;
  private final Grid<SearchDeadLetters.DeadLetter> refused = new Grid<>();
  private final HealthEndpoint health;
  private final Staff staff;
  private final Grid<StaffMember> people = new Grid<>();
  private final Grid<Map.Entry<String, HealthComponent>> components = new Grid<>();
  private final Span backlog = new Span();
  private final DateTimeFormatter when;

  public AdminView(StaffAdministration admin, SignInGuard signIn, SearchOutbox outbox,
      SearchDeadLetters deadLetters, HealthEndpoint health, Staff staff) {
    this.deadLetters = deadLetters;
    this.admin = admin;
    this.signIn = signIn;
    this.outbox = outbox;
    this.health = health;
    this.staff = staff;
    this.when = Dates.dateTime(getLocale());
    setSizeFull();
    TabSheet tabs = new TabSheet();
    tabs.setId("admin-tabs");
    tabs.setSizeFull();
    tabs.add(getTranslation("admin.tab.staff"), staffTab()).setId("admin-tab-staff");
    tabs.add(getTranslation("admin.tab.search"), searchTab()).setId("admin-tab-search");
    tabs.add(getTranslation("admin.tab.health"), healthTab()).setId("admin-tab-health");
    add(tabs);
    // the health and the backlog stay current while the page is open
    addAttachListener(e -> {
      var poll = e.getUI().addPollListener(p -> {
        showHealth();
        showBacklog();
        showDeadLetters();
      });
      addDetachListener(d -> {
        poll.remove();
        d.unregisterListener();
      });
    });
  }

  // ---- staff accounts

  private Component staffTab() {
    people.setId("staff-grid");
    // cells wrap so that the actions stay in view at 1440 px
    people.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT);
    people.addColumn(StaffMember::username).setHeader(getTranslation("admin.col.username")).setAutoWidth(true).setFlexGrow(0);
    people.addColumn(StaffMember::displayName).setHeader(getTranslation("admin.col.displayName")).setWidth("8em").setFlexGrow(1);
    people.addColumn(m -> String.join("、", m.roles().stream().map(r -> getTranslation("role." + r)).toList()))
        .setHeader(getTranslation("admin.col.roles")).setWidth("6em").setFlexGrow(1);
    people.addColumn(m -> String.join("、", m.groups().stream().map(g -> getTranslation("group." + g)).toList()))
        .setHeader(getTranslation("admin.col.groups")).setWidth("8em").setFlexGrow(2).setKey("groups");
    people.addComponentColumn(this::state).setHeader(getTranslation("admin.col.state")).setWidth("6em").setFlexGrow(0).setKey("state");
    people.addComponentColumn(this::actions).setHeader("").setAutoWidth(true).setFlexGrow(0).setKey("actions");
    Button create = new Button(getTranslation("admin.create"), e -> createDialog());
    create.setId("staff-create");
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    showPeople();
    VerticalLayout v = new VerticalLayout(create, people);
    v.setPadding(false);
    v.setSizeFull();
    v.expand(people);
    return v;
  }

  private void showPeople() {
    people.setItems(admin.all());
  }

  private Component state(StaffMember m) {
    Span s = new Span(m.lockedAt() != null ? getTranslation("admin.state.locked", when.format(m.lockedAt()))
        : getTranslation(m.enabled() ? "admin.state.enabled" : "admin.state.disabled"));
    s.getElement().getThemeList().add(m.enabled() && m.lockedAt() == null ? "badge success" : "badge error");
    return s;
  }

  private Component actions(StaffMember m) {
    String id = m.username();
    Button groups = new Button(getTranslation("admin.groups"), e -> groupsDialog(m));
    groups.setId("staff-groups-" + id);
    Button enable = new Button(getTranslation(m.enabled() ? "admin.disable" : "admin.enable"),
        e -> reasonDialog(getTranslation(m.enabled() ? "admin.disable.title" : "admin.enable.title", id), null,
            (reason, password) -> admin.setEnabled(id, !m.enabled(), staff.person().name(), reason),
            getTranslation(m.enabled() ? "admin.disable.done" : "admin.enable.done", id)));
    enable.setId("staff-enable-" + id);
    Button password = new Button(getTranslation("admin.password"), e -> reasonDialog(getTranslation("admin.password.title", id),
        new PasswordField(getTranslation("admin.field.password")),
        (reason, pw) -> admin.resetPassword(id, pw, staff.person().name(), reason), getTranslation("admin.password.done", id)));
    password.setId("staff-password-" + id);
    HorizontalLayout h = new HorizontalLayout(groups, enable, password);
    Stream.of(groups, enable, password).forEach(b -> b.addThemeVariants(ButtonVariant.LUMO_SMALL));
    if (m.lockedAt() != null) {
      Button unlock = new Button(getTranslation("admin.unlock"), e -> reasonDialog(getTranslation("admin.unlock.title", id), null,
          (reason, pw) -> signIn.unlock(id, staff.person().name(), reason), getTranslation("admin.unlock.done", id)));
      unlock.setId("staff-unlock-" + id);
      unlock.addThemeVariants(ButtonVariant.LUMO_SMALL);
      h.add(unlock);
    } else if (m.enabled()) {
      Button lock = new Button(getTranslation("admin.lock"), e -> reasonDialog(getTranslation("admin.lock.title", id), null,
          (reason, pw) -> signIn.lock(id, staff.person().name(), reason), getTranslation("admin.lock.done", id)));
      lock.setId("staff-lock-" + id);
      lock.addThemeVariants(ButtonVariant.LUMO_SMALL);
      h.add(lock);
    }
    h.setSpacing(true);
    return h;
  }

  private interface Change {
    void apply(String reason, String password);
  }

  /** Every change to an account asks why: the reason goes into the account's audit trail. */
  private void reasonDialog(String title, PasswordField password, Change change, String done) {
    TextField reason = new TextField(getTranslation("admin.field.reason"));
    reason.setId("staff-reason");
    reason.setWidthFull();
    FormLayout form = new FormLayout();
    if (password != null) {
      password.setId("staff-new-password");
      password.setHelperText(getTranslation("admin.field.password.help"));
      form.add(password);
    }
    form.add(reason);
    staffDialog(title, form, getTranslation("admin.confirm"),
        () -> change.apply(reason.getValue(), password == null ? null : password.getValue()), () -> done,
        Map.of("reason", reason, "password", password == null ? reason : password, "enabled", reason));
  }

  /**
   * A dialog whose confirm button makes the change, then closes, says what happened and shows the
   * accounts again; a refusal is shown at its fields and the dialog stays open.
   */
  private void staffDialog(String title, Component content, String confirm, Runnable change,
      Supplier<String> done, Map<String, ? extends Component> fields) {
    Dialog d = new Dialog();
    d.setId("staff-dialog");
    d.setHeaderTitle(title);
    d.add(content);
    Button ok = new Button(confirm, e -> {
      try {
        change.run();
        d.close();
        told(done.get(), true);
        showPeople();
      } catch (FieldErrors ex) {
        showErrors(ex, fields);
      }
    });
    ok.setId("staff-confirm");
    ok.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    d.getFooter().add(new Button(getTranslation("tasks.bulk.cancel"), e -> d.close()), ok);
    d.open();
  }

  private void groupsDialog(StaffMember m) {
    CheckboxGroup<String> groups = groupsField();
    groups.setValue(new HashSet<>(m.groups()));
    TextField reason = new TextField(getTranslation("admin.field.reason"));
    reason.setId("staff-reason");
    reason.setWidthFull();
    staffDialog(getTranslation("admin.groups.title", m.username()), new VerticalLayout(groups, reason), getTranslation("admin.confirm"),
        () -> admin.setGroups(m.username(), new ArrayList<>(groups.getValue()), staff.person().name(), reason.getValue()),
        () -> getTranslation("admin.groups.done", m.username()), Map.of("reason", reason));
  }

  private CheckboxGroup<String> groupsField() {
    CheckboxGroup<String> groups = new CheckboxGroup<>(getTranslation("admin.field.groups"));
    groups.setId("staff-field-groups");
    groups.setItems(StaffAdministration.WORK_GROUPS);
    groups.setItemLabelGenerator(g -> getTranslation("group." + g));
    return groups;
  }

  private void createDialog() {
    TextField username = new TextField(getTranslation("admin.col.username"));
    username.setId("staff-field-username");
    TextField display = new TextField(getTranslation("admin.col.displayName"));
    display.setId("staff-field-display");
    CheckboxGroup<String> roles = new CheckboxGroup<>(getTranslation("admin.col.roles"));
    roles.setId("staff-field-roles");
    roles.setItems(StaffAdministration.ROLES);
    roles.setItemLabelGenerator(r -> getTranslation("role." + r));
    CheckboxGroup<String> groups = groupsField();
    PasswordField password = new PasswordField(getTranslation("admin.field.password"));
    password.setId("staff-field-password");
    password.setHelperText(getTranslation("admin.field.password.help"));
    staffDialog(getTranslation("admin.create"), new FormLayout(username, display, roles, groups, password),
        getTranslation("admin.create.confirm"),
        () -> admin.create(new StaffAdministration.NewStaff(username.getValue(), display.getValue(), new ArrayList<>(roles.getValue()),
            new ArrayList<>(groups.getValue()), password.getValue()), staff.person().name()),
        () -> getTranslation("admin.create.done", username.getValue().strip()),
        Map.of("username", username, "displayName", display, "roles", roles, "groups", groups, "password", password));
  }

  /** The server's refusal, at each field, in the reader's language (the rule is named by field and kind). */
  private void showErrors(FieldErrors ex, Map<String, ? extends Component> fields) {
    fields.values().forEach(f -> {
      if (f instanceof HasValidation v) {
        v.setInvalid(false);
      }
    });
    ex.errors().forEach((field, message) -> {
      String kind = message.contains("taken") ? ".taken" : message.contains("own account") ? ".self" : "";
      String text = getTranslation("admin.error." + field + kind);
      Component c = fields.get(field);
      if (c instanceof HasValidation v) {
        v.setErrorMessage(text);
        v.setInvalid(true);
      } else {
        told(text, false);
      }
    });
  }

  private void told(String text, boolean ok) {
    Notification n = Notification.show(text, 4000, Notification.Position.BOTTOM_START);
    n.addThemeVariants(ok ? NotificationVariant.LUMO_SUCCESS : NotificationVariant.LUMO_ERROR);
  }

  // ---- search index

  private Component searchTab() {
    backlog.setId("search-backlog");
    showBacklog();
    Button rebuild = new Button(getTranslation("admin.search.rebuild"), e -> {
      Dialog d = new Dialog();
      d.setId("rebuild-confirm-dialog");
      d.add(new Paragraph(getTranslation("admin.search.rebuild.confirm")));
      Button yes = new Button(getTranslation("admin.search.rebuild"), x -> {
        d.close();
        long t0 = System.nanoTime();
        try {
          int n = outbox.rebuild();
          told(getTranslation("admin.search.rebuilt", n, (System.nanoTime() - t0) / 1_000_000), true);
        } catch (RuntimeException failed) {
          told(getTranslation("admin.search.failed", String.valueOf(failed.getMessage())), false);
        }
        showBacklog();
      });
      yes.setId("rebuild-confirm");
      yes.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
      d.getFooter().add(new Button(getTranslation("tasks.bulk.cancel"), x -> d.close()), yes);
      d.open();
    });
    rebuild.setId("search-rebuild");
    // cases whose documents the index refused: set aside, each with its reason, until retried or skipped
    refused.setId("search-dead-letters");
    refused.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT);
    refused.addColumn(SearchDeadLetters.DeadLetter::caseNumber)
        .setHeader(getTranslation("admin.deadLetters.case")).setAutoWidth(true).setFlexGrow(0).setKey("case");
    refused.addColumn(d -> d.documentIndex() + " / " + d.documentId()).setHeader(getTranslation("admin.deadLetters.document"))
        .setWidth("10em").setFlexGrow(1).setKey("document");
    refused.addColumn(d -> d.httpStatus() + " " + d.reason()).setHeader(getTranslation("admin.deadLetters.reason"))
        .setWidth("18em").setFlexGrow(3).setKey("reason");
    refused.addColumn(d -> when.format(d.lastRefusedAt()) + (d.refusals() > 1 ? " (×" + d.refusals() + ")" : ""))
        .setHeader(getTranslation("admin.deadLetters.time")).setAutoWidth(true).setFlexGrow(0).setKey("time");
    refused.addComponentColumn(this::deadLetterActions).setHeader("").setAutoWidth(true).setFlexGrow(0).setKey("actions");
    refused.setAllRowsVisible(true);
    showDeadLetters();
    VerticalLayout v = new VerticalLayout(new H3(getTranslation("admin.tab.search")), new Paragraph(getTranslation("admin.search.text")),
        backlog, rebuild, new H3(getTranslation("admin.deadLetters.title")), new Paragraph(getTranslation("admin.deadLetters.text")),
        refused);
    v.setPadding(false);
    return v;
  }

  private void showBacklog() {
    backlog.setText(getTranslation(outbox.paused() ? "admin.search.paused" : "admin.search.backlog", outbox.waiting())
        + " " + getTranslation("admin.deadLetters.count", deadLetters.waiting()));
  }

  private void showDeadLetters() {
    refused.setItems(deadLetters.list(true, 200));
  }

  private Component deadLetterActions(SearchDeadLetters.DeadLetter d) {
    Button retry = new Button(getTranslation("admin.deadLetters.retry"), e -> {
      try {
        deadLetters.retry(d.id(), staff.person().name());
        told(getTranslation("admin.deadLetters.retried", d.caseNumber()), true);
      } catch (SearchDeadLetters.AlreadyHandled | SearchDeadLetters.NotFound gone) {
        told(getTranslation("admin.deadLetters.gone", d.caseNumber()), false);
      }
      showDeadLetters();
      showBacklog();
    });
    retry.setId("dead-letter-retry-" + d.id());
    Button skip = new Button(getTranslation("admin.deadLetters.skip"), e -> skipDialog(d));
    skip.setId("dead-letter-skip-" + d.id());
    Stream.of(retry, skip).forEach(b -> b.addThemeVariants(ButtonVariant.LUMO_SMALL));
    return new HorizontalLayout(retry, skip);
  }

  /** Skipping leaves the case out of the index until it changes again: it asks why, for the case's audit trail. */
  private void skipDialog(SearchDeadLetters.DeadLetter d) {
    TextField reason = new TextField(getTranslation("admin.field.reason"));
    reason.setId("dead-letter-reason");
    reason.setWidthFull();
    Dialog dialog = new Dialog();
    dialog.setId("dead-letter-dialog");
    dialog.setHeaderTitle(getTranslation("admin.deadLetters.skip.title", d.caseNumber()));
    dialog.add(new Paragraph(getTranslation("admin.deadLetters.skip.text")), reason);
    Button ok = new Button(getTranslation("admin.deadLetters.skip"), e -> {
      try {
        deadLetters.skip(d.id(), staff.person().name(), reason.getValue());
        dialog.close();
        told(getTranslation("admin.deadLetters.skipped", d.caseNumber()), true);
      } catch (FieldErrors ex) {
        reason.setErrorMessage(getTranslation("admin.deadLetters.skip.reasonRequired"));
        reason.setInvalid(true);
        return;
      } catch (SearchDeadLetters.AlreadyHandled | SearchDeadLetters.NotFound gone) {
        dialog.close();
        told(getTranslation("admin.deadLetters.gone", d.caseNumber()), false);
      }
      showDeadLetters();
      showBacklog();
    });
    ok.setId("dead-letter-skip-confirm");
    ok.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    dialog.getFooter().add(new Button(getTranslation("tasks.bulk.cancel"), e -> dialog.close()), ok);
    dialog.open();
  }

  // ---- component health

  private Component healthTab() {
    components.setId("health-grid");
    components.addColumn(c -> label(c.getKey())).setHeader(getTranslation("admin.health.component")).setAutoWidth(true);
    components.addComponentColumn(c -> {
      Status s = c.getValue().getStatus();
      Span b = new Span(getTranslation("admin.health.status." + s.getCode()));
      b.getElement().getThemeList().add(Status.UP.equals(s) ? "badge success" : "badge error");
      return b;
    }).setHeader(getTranslation("admin.health.status")).setAutoWidth(true).setKey("status");
    components.addColumn(c -> c.getValue() instanceof Health h ? details(h.getDetails()) : "")
        .setHeader(getTranslation("admin.health.details")).setFlexGrow(1).setKey("details");
    showHealth();
    VerticalLayout v = new VerticalLayout(new Paragraph(getTranslation("admin.health.text")), components);
    v.setPadding(false);
    v.setSizeFull();
    v.expand(components);
    return v;
  }

  private void showHealth() {
    HealthComponent all = health.health();
    List<Map.Entry<String, HealthComponent>> rows = new ArrayList<>();
    if (all instanceof CompositeHealth c) {
      rows.addAll(c.getComponents().entrySet());
    }
    components.setItems(rows);
  }

  private String label(String component) {
    String t = getTranslation("admin.health.name." + component);
    return t.startsWith("!") ? component : t;
  }

  private static String details(Map<String, Object> d) {
    StringBuilder b = new StringBuilder();
    d.forEach((k, v) -> b.append(b.isEmpty() ? "" : " · ").append(k).append(": ").append(v));
    return b.toString();
  }
}
