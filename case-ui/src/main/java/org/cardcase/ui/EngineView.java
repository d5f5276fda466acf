package org.cardcase.ui;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.flow.EngineGenerations.Generation;
import org.cardcase.flow.EngineSupervisor;

/**
 * The workflow engine for supervisors and administrators: is it working, when did it last fail,
 * and how long did each heal take to serve again and to give every open case back.
 */
@Route(value = "engine", layout = MainLayout.class)
@PageTitle("CardCase")
@RolesAllowed({"SUPERVISOR", "ADMIN"})
public class EngineView extends VerticalLayout {

  public EngineView(EngineSupervisor engine) {
    setSizeFull();
    DateTimeFormatter when = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(getLocale())
        .withZone(WorkingDayCalendar.ZONE);
    EngineSupervisor.Status s = engine.status();
    Span state = new Span(getTranslation("engine.state." + s.state().name()));
    state.setId("engine-state");
    state.getElement().getThemeList().add(s.serving() ? "badge success" : "badge error");
    HorizontalLayout facts = new HorizontalLayout(
        fact(getTranslation("engine.state"), state),
        fact(getTranslation("engine.generation"), new Span(s.embedded() ? String.valueOf(s.generation()) : "—")),
        fact(getTranslation("engine.heals"), new Span(String.valueOf(s.heals()))),
        fact(getTranslation("engine.lastProbe"), new Span(s.lastProbeOk() == null ? "—"
            : when.format(s.lastProbeOk()) + (s.lastProbeMillis() == null ? "" : " (" + s.lastProbeMillis() + " ms)"))));
    if (s.failedAttempts() > 0) {
      // an engine that cannot be started is tried again with backoff: how often, why not, and when next
      Span attempts = new Span(String.valueOf(s.failedAttempts()));
      attempts.setId("engine-failed-attempts");
      Span error = new Span(String.valueOf(s.lastAttemptError()));
      error.setId("engine-last-error");
      facts.add(fact(getTranslation("engine.failedAttempts"), attempts), fact(getTranslation("engine.lastError"), error),
          fact(getTranslation("engine.nextAttempt"), new Span(format(when, s.nextAttemptAt()))));
    }
    Grid<Generation> grid = new Grid<>();
    grid.setId("engine-generations");
    grid.addColumn(Generation::generation).setHeader(getTranslation("engine.col.generation")).setAutoWidth(true);
    grid.addColumn(g -> getTranslation("engine.reason." + g.reason())).setHeader(getTranslation("engine.col.reason"))
        .setAutoWidth(true);
    grid.addColumn(g -> g.failure() == null ? "" : g.failure()).setHeader(getTranslation("engine.col.failure"))
        .setFlexGrow(1);
    grid.addColumn(g -> format(when, g.startedAt())).setHeader(getTranslation("engine.col.started")).setAutoWidth(true);
    grid.addColumn(g -> g.attempts() <= 1 ? "1" : g.attempts() + " (" + getTranslation("engine.col.attempts.since",
            format(when, g.firstAttemptAt())) + ")").setHeader(getTranslation("engine.col.attempts")).setAutoWidth(true);
    grid.addColumn(g -> seconds(g.startedAt(), g.readyAt())).setHeader(getTranslation("engine.col.ready")).setAutoWidth(true);
    grid.addColumn(g -> g.casesResumed() + " / " + g.casesToResume()
        + (g.resumeFailures() > 0 ? " (" + g.resumeFailures() + " ✗)" : ""))
        .setHeader(getTranslation("engine.col.resumed")).setAutoWidth(true);
    grid.addColumn(g -> seconds(g.startedAt(), g.resumedAt())).setHeader(getTranslation("engine.col.resumedAt"))
        .setAutoWidth(true);
    grid.setItems(engine.history(100));
    add(new H2(getTranslation("engine.title")), facts, new H3(getTranslation("engine.col.generation")), grid);
  }

  private static VerticalLayout fact(String label, Span value) {
    Span l = new Span(label);
    l.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
    VerticalLayout v = new VerticalLayout(l, value);
    v.setPadding(false);
    v.setSpacing(false);
    return v;
  }

  private static String format(DateTimeFormatter f, Instant i) {
    return i == null ? "—" : f.format(i);
  }

  /** "+3.2 s" after the start, or "—" while not yet. */
  private static String seconds(Instant from, Instant to) {
    return from == null || to == null ? "—" : String.format("+%.1f s", (to.toEpochMilli() - from.toEpochMilli()) / 1000.0);
  }
}
