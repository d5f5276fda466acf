package org.cardcase.ui;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import org.cardcase.tasks.TaskQueue;
import org.cardcase.cases.CaseRepository;

/**
 * What a supervisor watches: open tasks per step with how many are overdue (in working days), and
 * open cases per type and status. Supervisors only; the server refuses everyone else.
 */
@Route(value = "supervision", layout = MainLayout.class)
@PageTitle("CardCase")
@RolesAllowed("SUPERVISOR")
public class SupervisionView extends VerticalLayout {
  public record StepLoad(String step, long open, long overdue, long unclaimed) {}

  public record CaseLoad(String caseType, String status, long count) {}

  public SupervisionView(TaskQueue queue, Staff staff, CaseRepository cases) {
    setSizeFull();
    Grid<StepLoad> steps = new Grid<>();
    steps.setId("sla-steps");
    steps.addColumn(s -> getTranslation("step." + s.step())).setHeader(getTranslation("tasks.col.step"));
    steps.addColumn(StepLoad::open).setHeader(getTranslation("supervision.open"));
    steps.addColumn(StepLoad::overdue).setHeader(getTranslation("supervision.overdue"));
    steps.addColumn(StepLoad::unclaimed).setHeader(getTranslation("supervision.unclaimed"));
    steps.setItems(queue.loadPerStep(staff.person()).stream().map(l -> new StepLoad(l.step(), l.open(), l.overdue(), l.unclaimed()))
        .toList());
    steps.setAllRowsVisible(true);

    List<CaseLoad> load = cases.openCounts().stream().map(c -> new CaseLoad(c.caseType(), c.status().name(), c.count())).toList();
    Grid<CaseLoad> open = new Grid<>();
    open.setId("sla-cases");
    open.addColumn(c -> getTranslation("case.type." + c.caseType())).setHeader(getTranslation("cases.col.type"));
    open.addColumn(c -> getTranslation("case.status." + c.status())).setHeader(getTranslation("cases.col.status"));
    open.addColumn(CaseLoad::count).setHeader(getTranslation("supervision.cases"));
    open.setItems(load);
    open.setAllRowsVisible(true);
    add(new H2(getTranslation("nav.supervision")), new H3(getTranslation("supervision.tasks")), steps,
        new H3(getTranslation("supervision.openCases")), open);
  }
}
