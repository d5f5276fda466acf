package org.cardcase.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.RouterLink;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import org.cardcase.cases.OpenCount;
import org.cardcase.incidents.Incidents;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import org.cardcase.tasks.TaskQueue;
import org.cardcase.cases.Cases;

/**
 * What a supervisor watches: open tasks per step with how many are overdue (in working days), and
 * open cases per type and status; and the incidents (steps that failed for good) with the actions
 * that end them. Supervisors only; the server refuses everyone else.
 */
@Route(value = "supervision", layout = MainLayout.class)
@PageTitle("CardCase")
@RolesAllowed("SUPERVISOR")
public class SupervisionView extends VerticalLayout {
  private final Incidents incidents;
  private final Staff staff;
  private final Grid<Incidents.Incident> incidentGrid = new Grid<>();
  private final Paragraph noIncidents = new Paragraph();

  public SupervisionView(TaskQueue queue, Staff staff, Cases cases, Incidents incidents) {
    this.incidents = incidents;
    this.staff = staff;
    setSizeFull();
    Grid<TaskQueue.StepLoad> steps = new Grid<>();
    steps.setId("sla-steps");
    steps.addColumn(s -> getTranslation("step." + s.step())).setHeader(getTranslation("tasks.col.step"));
    steps.addColumn(TaskQueue.StepLoad::open).setHeader(getTranslation("supervision.open"));
    steps.addColumn(TaskQueue.StepLoad::overdue).setHeader(getTranslation("supervision.overdue"));
    steps.addColumn(TaskQueue.StepLoad::unclaimed).setHeader(getTranslation("supervision.unclaimed"));
    steps.setItems(queue.loadPerStep(staff.person()));
    steps.setAllRowsVisible(true);

    List<OpenCount> load = cases.openCounts();
    Grid<OpenCount> open = new Grid<>();
    open.setId("sla-cases");
    open.addColumn(c -> getTranslation("case.type." + c.caseType())).setHeader(getTranslation("cases.col.type"));
    open.addColumn(c -> getTranslation("case.status." + c.status().name())).setHeader(getTranslation("cases.col.status"));
    open.addColumn(OpenCount::count).setHeader(getTranslation("supervision.cases"));
    open.setItems(load);
    open.setAllRowsVisible(true);
    add(new H2(getTranslation("nav.supervision")), new H3(getTranslation("supervision.incidents")), noIncidents,
        incidentGrid(), new H3(getTranslation("supervision.tasks")), steps,
        new H3(getTranslation("supervision.openCases")), open);
    refreshIncidents();
  }

  /** What is broken: steps that failed for good, with the two ways out (run it again, or cancel the case). */
  private Grid<Incidents.Incident> incidentGrid() {
    DateTimeFormatter when = Dates.dateTime(getLocale());
    incidentGrid.setId("incidents");
    incidentGrid.addComponentColumn(i -> new RouterLink(i.caseNumber(), CaseView.class, i.caseNumber()))
        .setHeader(getTranslation("incident.col.case")).setAutoWidth(true).setFlexGrow(0);
    incidentGrid.addColumn(i -> getTranslation("step." + i.elementId())).setHeader(getTranslation("incident.col.step"))
        .setAutoWidth(true);
    // the outside system's own words, in full on hover
    incidentGrid.addColumn(Incidents.Incident::error).setHeader(getTranslation("incident.col.error")).setFlexGrow(2)
        .setTooltipGenerator(Incidents.Incident::error);
    incidentGrid.addColumn(i -> when.format(i.raisedAt())).setHeader(getTranslation("incident.col.raised")).setAutoWidth(true);
    incidentGrid.addColumn(Incidents.Incident::times).setHeader(getTranslation("incident.col.times")).setAutoWidth(true)
        .setFlexGrow(0);
    incidentGrid.addColumn(i -> getTranslation("incident.state." + i.state())).setHeader(getTranslation("incident.col.state"))
        .setAutoWidth(true);
    incidentGrid.addComponentColumn(this::incidentActions).setAutoWidth(true).setFlexGrow(0).setKey("actions");
    incidentGrid.setAllRowsVisible(true);
    return incidentGrid;
  }

  private HorizontalLayout incidentActions(Incidents.Incident i) {
    Button retry = new Button(getTranslation("incident.retry"), e -> {
      try {
        tell(incidents.retry(i.id(), staff.person().name()));
      } catch (Incidents.IncidentConflict c) {
        Notification.show(getTranslation(i.state() == Incidents.State.RETRYING ? "incident.error.retrying" : "incident.error.closed"),
            5000, Notification.Position.MIDDLE);
      }
      refreshIncidents();
    });
    retry.setId("incident-retry-" + i.id());
    retry.setEnabled(i.state() == Incidents.State.OPEN);
    Button cancel = new Button(getTranslation("incident.cancelCase"), e -> confirmCancel(i));
    cancel.setId("incident-cancel-" + i.id());
    cancel.addThemeVariants(ButtonVariant.LUMO_ERROR);
    return new HorizontalLayout(retry, cancel);
  }

  /** Cancelling a case cannot be undone: say what it does, and require a reason. */
  private void confirmCancel(Incidents.Incident i) {
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle(getTranslation("incident.cancelCase"));
    TextArea reason = new TextArea(getTranslation("incident.reason"));
    reason.setId("incident-reason");
    reason.setWidthFull();
    Button confirm = new Button(getTranslation("incident.cancelCase"), e -> {
      if (reason.getValue().strip().length() < 5) {
        reason.setInvalid(true);
        reason.setErrorMessage(getTranslation("incident.error.reason"));
        return;
      }
      try {
        tell(incidents.cancelCase(i.id(), staff.person().name(), reason.getValue()));
        dialog.close();
      } catch (Incidents.IncidentConflict c) {
        Notification.show(getTranslation("incident.error.closed"), 5000, Notification.Position.MIDDLE);
        dialog.close();
      }
      refreshIncidents();
    });
    confirm.setId("incident-cancel-confirm");
    confirm.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
    dialog.add(new Paragraph(getTranslation("incident.confirmCancel", i.caseNumber())), reason);
    dialog.getFooter().add(new Button(getTranslation("incident.keep"), e -> dialog.close()), confirm);
    dialog.open();
  }

  private void tell(Incidents.Outcome outcome) {
    boolean fine = outcome.result() == Incidents.Result.RUNS_AGAIN || outcome.result() == Incidents.Result.CANCELLED;
    Notification n = Notification.show(getTranslation("incident.result." + outcome.result()), fine ? 4000 : 10000,
        Notification.Position.MIDDLE);
    n.addThemeVariants(fine ? NotificationVariant.LUMO_SUCCESS : NotificationVariant.LUMO_CONTRAST);
  }

  private void refreshIncidents() {
    List<Incidents.Incident> open = incidents.open(200);
    incidentGrid.setItems(open);
    incidentGrid.setVisible(!open.isEmpty());
    noIncidents.setText(getTranslation("supervision.incidents.none"));
    noIncidents.setVisible(open.isEmpty());
  }
}
