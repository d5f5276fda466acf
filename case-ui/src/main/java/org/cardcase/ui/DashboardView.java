package org.cardcase.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.StreamResource;
import jakarta.annotation.security.RolesAllowed;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.flow.ProcessCatalog;
import org.cardcase.forecast.BreachForecast;
import org.cardcase.search.IndexFilter;
import org.cardcase.search.IndexUnavailable;
import org.cardcase.search.StepVisitDocument;
import org.cardcase.search.TaskDocument;
import org.cardcase.supervision.SlaDashboard;
import org.cardcase.supervision.SlaDashboard.Slice;
import org.cardcase.shared.ReferenceData;

/**
 * The supervisors' SLA dashboard: what is late, what will be late by close of business tomorrow,
 * who has what, how much came in and went out, and how long each process and step takes, in
 * working days where the deadlines are. Every number opens the tasks behind it, which export to CSV.
 * Figures come from the search read model and refresh by themselves. Analysts see it read-only
 * (it has no actions); clerks are refused on the server.
 */
@Route(value = "dashboard", layout = MainLayout.class)
@PageTitle("CardCase")
@RolesAllowed({"SUPERVISOR", "ANALYST"})
public class DashboardView extends VerticalLayout {
  private static final int DRILL_LIMIT = 1000;
  private static final long REFRESH_MILLIS = 15_000;
  private static final String RED = "#d7263d";
  private static final String ORANGE = "#f49d37";
  private static final String BLUE = "#2e86de";
  private static final String GREEN = "#2bb673";

  private final SlaDashboard dashboard;
  private final BreachForecast forecast;
  private final ProcessCatalog catalog;
  private final Select<String> heatProcess = new Select<>();
  private final Div heatBox = new Div();
  private final Paragraph heatNone = new Paragraph();
  private BpmnViewer heatViewer;
  /** Diagram element -> the steps counted on it (itself, or the steps of the process it calls). */
  private final Map<String, Set<String>> heatSteps = new HashMap<>();
  private String heatViewerProcess;
  private final Grid<StepVisitDocument> waitingGrid = new Grid<>();
  private final CaseDeadlines deadlines;
  private final ReferenceData reference;
  private final boolean mayOpenCases;

  private final DatePicker from = new DatePicker();
  private final DatePicker to = new DatePicker();
  private final ComboBox<String> process = new ComboBox<>();
  private final ComboBox<String> step = new ComboBox<>();
  private final ComboBox<String> channel = new ComboBox<>();
  private final ComboBox<String> group = new ComboBox<>();
  private final ComboBox<String> bank = new ComboBox<>();
  private final Span updated = new Span();
  private final Paragraph unavailable = new Paragraph();
  private final Div content = new Div();
  private final HorizontalLayout kpis = new HorizontalLayout();
  private final ChartView backlogChart = new ChartView("300px");
  private final ChartView throughputChart = new ChartView("260px");
  private final ChartView complianceChart = new ChartView("260px");
  private final ChartView cycleChart = new ChartView("260px");
  private final ChartView stepChart = new ChartView("300px");
  private final Grid<SlaDashboard.StepBacklog> backlogGrid = new Grid<>();
  private final Grid<SlaDashboard.Clerk> clerkGrid = new Grid<>();
  private final H3 drillTitle = new H3();
  private final Paragraph drillNote = new Paragraph();
  private final Grid<TaskDocument> drillGrid = new Grid<>();
  private final Anchor export = new Anchor();
  private final VerticalLayout drill = new VerticalLayout();
  private SlaDashboard.Figures figures;
  private BreachForecast.LikelyLate likelyLate = new BreachForecast.LikelyLate(0, List.of());
  private final Grid<BreachForecast.Forecast> forecastGrid = new Grid<>();
  private long refreshedAt;

  public DashboardView(SlaDashboard dashboard, BreachForecast forecast, CaseDeadlines deadlines, ReferenceData reference, Staff staff,
      ProcessCatalog catalog) {
    this.dashboard = dashboard;
    this.forecast = forecast;
    this.catalog = catalog;
    this.deadlines = deadlines;
    this.reference = reference;
    this.mayOpenCases = staff.has("SUPERVISOR");
    setWidthFull();
    updated.setId("dashboard-updated");
    updated.getStyle().set("color", "var(--lumo-secondary-text-color)");
    unavailable.setId("dashboard-unavailable");
    unavailable.getElement().getThemeList().add("badge error");
    HorizontalLayout head = new HorizontalLayout(new H2(getTranslation("nav.dashboard")), updated);
    head.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
    add(head, filters(), unavailable, content);

    kpis.setId("dashboard-kpis");
    kpis.setWrap(true);
    backlogChart.setId("chart-backlog");
    backlogChart.onClick(e -> {
      var steps = backlogSteps();
      if (e.index() < steps.size()) {
        Slice slice = switch (e.dataset()) {
          case 0 -> Slice.BREACHED;
          case 1 -> Slice.AT_RISK;
          default -> Slice.OPEN;
        };
        showTasks(slice, steps.get(e.index()), null, null);
      }
    });
    throughputChart.setId("chart-throughput");
    complianceChart.setId("chart-compliance");
    cycleChart.setId("chart-cycle");
    stepChart.setId("chart-steps");
    FlexLayout charts = new FlexLayout(card("dashboard.chart.backlog", backlogChart), card("dashboard.chart.throughput", throughputChart),
        card("dashboard.chart.compliance", complianceChart), card("dashboard.chart.cycle", cycleChart),
        card("dashboard.chart.steps", stepChart));
    charts.setFlexWrap(FlexLayout.FlexWrap.WRAP);
    charts.getStyle().set("gap", "var(--lumo-space-m)");
    charts.setWidthFull();
    backlogGrid();
    clerkGrid();
    drillGrid();
    content.setWidthFull();
    content.add(kpis, charts, heatCard(), new H3(getTranslation("dashboard.backlogTable")), backlogGrid,
        new H3(getTranslation("dashboard.clerks")), clerkGrid, drill);
    addAttachListener(e -> {
      var poll = e.getUI().addPollListener(p -> {
        if (System.currentTimeMillis() - refreshedAt >= REFRESH_MILLIS) {
          refresh();
        }
      });
      addDetachListener(d -> {
        poll.remove();
        d.unregisterListener();
      });
    });
    loadFilterValues();
    refresh();
  }

  private Component filters() {
    LocalDate today = LocalDate.now(WorkingDayCalendar.ZONE);
    from.setLabel(getTranslation("dashboard.from"));
    from.setValue(today.minusDays(29));
    from.setId("dashboard-from");
    to.setLabel(getTranslation("dashboard.to"));
    to.setValue(today);
    to.setId("dashboard-to");
    from.setLocale(getLocale());
    to.setLocale(getLocale());
    from.addValueChangeListener(e -> to.setMin(e.getValue()));
    setUp(process, "dashboard.process", "dashboard-process", v -> label("case.type.", v));
    setUp(step, "dashboard.step", "dashboard-step", v -> label("step.", v));
    setUp(channel, "dashboard.channel", "dashboard-channel", v -> label("channel.", v));
    setUp(group, "dashboard.group", "dashboard-group", v -> label("group.", v));
    setUp(bank, "dashboard.bank", "dashboard-bank", v -> reference.find(ReferenceData.Kind.BANK, v)
        .map(i -> i.name(getLocale())).orElse(v));
    for (var field : List.of(from, to)) {
      field.addValueChangeListener(e -> {
        if (e.isFromClient()) {
          refresh();
        }
      });
    }
    Button reset = new Button(getTranslation("dashboard.reset"), e -> {
      from.setValue(today.minusDays(29));
      to.setValue(today);
      List.of(process, step, channel, group, bank).forEach(ComboBox::clear);
      refresh();
    });
    HorizontalLayout bar = new HorizontalLayout(from, to, process, step, channel, group, bank, reset);
    bar.setWrap(true);
    bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
    return bar;
  }

  private void setUp(ComboBox<String> box, String label, String id, Function<String, String> caption) {
    box.setLabel(getTranslation(label));
    box.setPlaceholder(getTranslation("dashboard.any"));
    box.setClearButtonVisible(true);
    box.setItemLabelGenerator(caption::apply);
    box.setId(id);
    box.addValueChangeListener(e -> {
      if (e.isFromClient()) {
        refresh();
      }
    });
  }

  private void loadFilterValues() {
    try {
      Map<String, List<String>> values = dashboard.filterValues();
      process.setItems(values.get("caseType"));
      step.setItems(values.get("step"));
      channel.setItems(values.get("channel"));
      group.setItems(values.get("group"));
      bank.setItems(values.get("issuingBank"));
    } catch (IndexUnavailable e) {
      // said by refresh(), which fails the same way
    }
  }

  private IndexFilter filter() {
    LocalDate start = from.getValue() == null ? LocalDate.now(WorkingDayCalendar.ZONE).minusDays(29) : from.getValue();
    LocalDate end = to.getValue() == null || to.getValue().isBefore(start) ? start : to.getValue();
    return new IndexFilter(start.atStartOfDay(WorkingDayCalendar.ZONE).toInstant(),
        end.plusDays(1).atStartOfDay(WorkingDayCalendar.ZONE).toInstant(), process.getValue(), step.getValue(),
        channel.getValue(), group.getValue(), bank.getValue());
  }

  /** Reads the figures again; if the read model does not answer, says so and keeps nothing stale on screen. */
  void refresh() {
    refreshedAt = System.currentTimeMillis();
    try {
      figures = dashboard.figures(filter(), Instant.now());
      likelyLate = forecast.likelyLate(filter(), Instant.now(), DRILL_LIMIT);
    } catch (IndexUnavailable e) {
      figures = null;
      unavailable.setText(getTranslation("dashboard.unavailable"));
      unavailable.setVisible(true);
      content.setVisible(false);
      updated.setText("");
      return;
    }
    unavailable.setVisible(false);
    content.setVisible(true);
    updated.setText(getTranslation("dashboard.updated", DateTimeFormatter.ofLocalizedTime(FormatStyle.MEDIUM)
        .withLocale(getLocale()).withZone(WorkingDayCalendar.ZONE).format(figures.at())));
    showKpis();
    showCharts();
    backlogGrid.setItems(figures.backlog());
    clerkGrid.setItems(figures.clerks());
    showHeat();
  }

  private Component heatCard() {
    heatProcess.setLabel(getTranslation("dashboard.heat.process"));
    heatProcess.setId("dashboard-heat-process");
    heatProcess.setItems(catalog.processIds());
    heatProcess.setItemLabelGenerator(id -> label("process.", id));
    heatProcess.setValue(catalog.processIds().contains("card-application") ? "card-application" : catalog.processIds().getFirst());
    heatProcess.addValueChangeListener(e -> showHeat());
    heatBox.setWidthFull();
    heatNone.setText(getTranslation("dashboard.heat.none"));
    Paragraph legend = new Paragraph(getTranslation("dashboard.heat.legend"));
    legend.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
    Div card = new Div(new H3(getTranslation("dashboard.heat.title")), heatProcess, legend, heatNone, heatBox);
    card.setId("dashboard-heat");
    card.getStyle().set("border", "1px solid var(--lumo-contrast-10pct)").set("border-radius", "var(--lumo-border-radius-l)")
        .set("padding", "var(--lumo-space-s) var(--lumo-space-m)").set("margin-top", "var(--lumo-space-m)");
    return card;
  }

  /** Colours the chosen diagram's steps by the median time spent there, relative to its slowest step. */
  private void showHeat() {
    String process = heatProcess.getValue();
    byte[] xml = process == null ? null : catalog.modelOf(process);
    if (xml == null) {
      return;
    }
    if (!process.equals(heatViewerProcess)) {
      heatBox.removeAll();
      heatViewer = new BpmnViewer(xml, Set.of());
      heatViewer.setId("heat-diagram");
      heatViewer.setHeight("420px");
      heatViewer.onElementClick(e -> {
        if (heatSteps.containsKey(e.elementId())) {
          showWaiting(e.elementId(), heatSteps.get(e.elementId()));
        }
      });
      heatBox.add(heatViewer);
      heatViewerProcess = process;
    }
    // a step inside a called process counts on the call activity that calls it (cases there, no times)
    Map<String, List<SlaDashboard.Heat>> byElement = new LinkedHashMap<>();
    heatSteps.clear();
    for (SlaDashboard.Heat h : dashboard.heat(filter())) {
      String element = catalog.shownIn(process, h.step());
      if (element != null) {
        byElement.computeIfAbsent(element, k -> new ArrayList<>()).add(h);
        heatSteps.computeIfAbsent(element, k -> new HashSet<>()).add(h.step());
      }
    }
    double slowest = byElement.values().stream().filter(l -> l.size() == 1 && l.getFirst().p50Hours() != null)
        .mapToDouble(l -> l.getFirst().p50Hours()).max().orElse(0);
    Map<String, BpmnViewer.Heat> shown = new LinkedHashMap<>();
    byElement.forEach((element, list) -> {
      long waiting = list.stream().mapToLong(SlaDashboard.Heat::waiting).sum();
      SlaDashboard.Heat own = list.size() == 1 && list.getFirst().step().equals(element) ? list.getFirst() : null;
      // -1: no stay there has ended yet, so no colour (green would say "quick")
      double level = own == null || own.p50Hours() == null ? -1 : slowest <= 0 ? 0 : own.p50Hours() / slowest;
      String text = own == null ? "" : getTranslation("dashboard.heat.label",
          own.p50Hours() == null ? "–" : own.p50Hours(), own.p90Hours() == null ? "–" : own.p90Hours());
      shown.put(element, new BpmnViewer.Heat(level, text, waiting));
    });
    heatViewer.showHeat(shown);
    heatNone.setVisible(shown.isEmpty());
  }

  private void showKpis() {
    kpis.removeAll();
    kpis.add(kpi("open", figures.open(), Slice.OPEN, null), kpi("breached", figures.breached(), Slice.BREACHED, "error"),
        kpi("atRisk", figures.atRisk(), Slice.AT_RISK, "contrast"), kpi("unassigned", figures.unassigned(), Slice.UNASSIGNED, null));
    Button late = (Button) kpi("likelyLate", likelyLate.total(), null, "error");
    late.addClickListener(e -> showLikelyLate());
    kpis.add(late);
  }

  /** The cases the forecast expects to miss their step's deadline, with why, soonest deadline first. */
  void showLikelyLate() {
    List<BreachForecast.Forecast> cases = likelyLate.cases();
    drillTitle.setText(getTranslation("dashboard.kpi.likelyLate"));
    drillNote.setText(getTranslation("forecast.explained", BreachForecast.MIN_HISTORY, Math.round(forecast.risk() * 100)) + " "
        + (cases.isEmpty() ? getTranslation("forecast.none") : cases.size() < likelyLate.total()
            ? getTranslation("forecast.limited", cases.size(), likelyLate.total()) : getTranslation("forecast.count", cases.size())));
    drillGrid.setVisible(false);
    waitingGrid.setVisible(false);
    forecastGrid.setItems(cases);
    forecastGrid.setVisible(!cases.isEmpty());
    String csv = csv(List.of(getTranslation("dashboard.col.case"), getTranslation("dashboard.col.step"), "dueAt",
        getTranslation("forecast.col.reason")), cases.stream().map(f -> List.of(f.caseNumber(), label("step.", f.step()),
            f.dueAt().toString(), reason(f))).toList());
    export.setHref(new StreamResource("cardcase-likely-late.csv",
        () -> new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))));
    export.setVisible(!cases.isEmpty());
    drill.setVisible(true);
    drill.getElement().callJsFunction("scrollIntoView");
  }

  private String reason(BreachForecast.Forecast f) {
    return ForecastText.of(this, f);
  }

  private Component kpi(String key, long value, Slice slice, String theme) {
    Span number = new Span(Long.toString(value));
    number.getStyle().set("font-size", "var(--lumo-font-size-xxxl)").set("font-weight", "600");
    if ("error".equals(theme) && value > 0) {
      number.getStyle().set("color", "var(--lumo-error-text-color)");
    }
    Span caption = new Span(getTranslation("dashboard.kpi." + key));
    VerticalLayout tile = new VerticalLayout(number, caption);
    tile.setSpacing(false);
    tile.setPadding(false);
    Button b = new Button(tile, e -> {
      if (slice != null) {
        showTasks(slice, null, null, null);
      }
    });
    b.setId("kpi-" + key);
    b.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
    b.setHeight("auto");
    b.getStyle().set("border", "1px solid var(--lumo-contrast-10pct)").set("padding", "var(--lumo-space-s) var(--lumo-space-l)");
    return b;
  }

  private Component card(String title, ChartView chart) {
    Div card = new Div(new H3(getTranslation(title)), chart);
    card.getStyle().set("flex", "1 1 460px").set("min-width", "320px").set("border", "1px solid var(--lumo-contrast-10pct)")
        .set("border-radius", "var(--lumo-border-radius-l)").set("padding", "var(--lumo-space-s) var(--lumo-space-m)");
    return card;
  }

  /** The steps in the backlog chart, most open first (the chart's labels in the same order). */
  private List<String> backlogSteps() {
    Map<String, long[]> perStep = new LinkedHashMap<>();
    for (var b : figures.backlog()) {
      long[] v = perStep.computeIfAbsent(b.step(), k -> new long[3]);
      v[0] += b.breached();
      v[1] += b.atRisk();
      v[2] += b.open();
    }
    return perStep.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[2], x.getValue()[2]))
        .map(Map.Entry::getKey).toList();
  }

  private void showCharts() {
    List<String> steps = backlogSteps();
    List<Long> breached = new ArrayList<>();
    List<Long> atRisk = new ArrayList<>();
    List<Long> onTrack = new ArrayList<>();
    for (String s : steps) {
      var rows = figures.backlog().stream().filter(b -> b.step().equals(s)).toList();
      long br = rows.stream().mapToLong(SlaDashboard.StepBacklog::breached).sum();
      long ar = rows.stream().mapToLong(SlaDashboard.StepBacklog::atRisk).sum();
      breached.add(br);
      atRisk.add(ar);
      onTrack.add(rows.stream().mapToLong(SlaDashboard.StepBacklog::open).sum() - br - ar);
    }
    Map<String, Object> stacked = Map.of("indexAxis", "y", "scales", Map.of("x", Map.of("stacked", true, "beginAtZero", true),
        "y", Map.of("stacked", true)));
    backlogChart.show("bar", steps.stream().map(s -> label("step.", s)).toList(), List.of(
        new ChartView.Series(getTranslation("dashboard.series.breached"), breached, RED),
        new ChartView.Series(getTranslation("dashboard.series.atRisk"), atRisk, ORANGE),
        new ChartView.Series(getTranslation("dashboard.series.onTrack"), onTrack, BLUE)), stacked);

    DateTimeFormatter day = DateTimeFormatter.ofPattern("zh".equals(getLocale().getLanguage()) ? "M月d日" : "d MMM", getLocale());
    throughputChart.show("line", figures.throughput().stream().map(d -> day.format(d.day())).toList(), List.of(
        new ChartView.Series(getTranslation("dashboard.series.received"), figures.throughput().stream().map(SlaDashboard.Day::received).toList(), BLUE),
        new ChartView.Series(getTranslation("dashboard.series.finished"), figures.throughput().stream().map(SlaDashboard.Day::finished).toList(), GREEN)),
        Map.of("scales", Map.of("y", Map.of("beginAtZero", true, "ticks", Map.of("precision", 0)))));

    List<Double> shares = figures.compliance().stream().map(w -> w.share() == null ? null : Math.round(w.share() * 1000) / 10.0).toList();
    complianceChart.show("bar", figures.compliance().stream().map(w -> getTranslation("dashboard.weekOf", day.format(w.weekStart()))).toList(),
        List.of(new ChartView.Series(getTranslation("dashboard.series.onTime"), shares, GREEN)),
        Map.of("scales", Map.of("y", Map.of("min", 0, "max", 100, "title", Map.of("display", true, "text", "%")))));

    cycleChart.show("bar", figures.cycleDaysByProcess().stream().map(s -> label("case.type.", s.key())).toList(), List.of(
        new ChartView.Series("p50", figures.cycleDaysByProcess().stream().map(SlaDashboard.Spread::p50).toList(), BLUE),
        new ChartView.Series("p90", figures.cycleDaysByProcess().stream().map(SlaDashboard.Spread::p90).toList(), ORANGE)),
        Map.of("scales", Map.of("y", Map.of("beginAtZero", true, "title", Map.of("display", true, "text",
            getTranslation("dashboard.axis.workingDays"))))));

    stepChart.show("bar", figures.hoursByStep().stream().map(s -> label("step.", s.key())).toList(), List.of(
        new ChartView.Series("p50", figures.hoursByStep().stream().map(SlaDashboard.Spread::p50).toList(), BLUE),
        new ChartView.Series("p90", figures.hoursByStep().stream().map(SlaDashboard.Spread::p90).toList(), ORANGE)),
        Map.of("indexAxis", "y", "scales", Map.of("x", Map.of("beginAtZero", true, "title", Map.of("display", true, "text",
            getTranslation("dashboard.axis.hours"))))));
  }

  private void backlogGrid() {
    backlogGrid.setId("dashboard-backlog");
    backlogGrid.addColumn(b -> label("step.", b.step())).setHeader(getTranslation("dashboard.col.step")).setFlexGrow(2);
    backlogGrid.addColumn(b -> label("group.", b.group())).setHeader(getTranslation("dashboard.col.group"));
    backlogGrid.addComponentColumn(b -> number(b.open(), () -> showTasks(Slice.OPEN, b.step(), b.group(), null)))
        .setHeader(getTranslation("dashboard.kpi.open")).setAutoWidth(true).setFlexGrow(0);
    backlogGrid.addComponentColumn(b -> number(b.breached(), () -> showTasks(Slice.BREACHED, b.step(), b.group(), null)))
        .setHeader(getTranslation("dashboard.kpi.breached")).setAutoWidth(true).setFlexGrow(0);
    backlogGrid.addComponentColumn(b -> number(b.atRisk(), () -> showTasks(Slice.AT_RISK, b.step(), b.group(), null)))
        .setHeader(getTranslation("dashboard.kpi.atRisk")).setAutoWidth(true).setFlexGrow(0);
    backlogGrid.addComponentColumn(b -> number(b.unassigned(), () -> showTasks(Slice.UNASSIGNED, b.step(), b.group(), null)))
        .setHeader(getTranslation("dashboard.kpi.unassigned")).setAutoWidth(true).setFlexGrow(0);
    backlogGrid.setAllRowsVisible(true);
    backlogGrid.addThemeVariants(GridVariant.LUMO_COMPACT);
  }

  private void clerkGrid() {
    clerkGrid.setId("dashboard-clerks");
    clerkGrid.addColumn(SlaDashboard.Clerk::name).setHeader(getTranslation("dashboard.col.clerk")).setFlexGrow(2);
    clerkGrid.addComponentColumn(c -> number(c.claimed(), () -> showTasks(Slice.CLAIMED, null, null, c.name())))
        .setHeader(getTranslation("dashboard.col.claimed")).setAutoWidth(true).setFlexGrow(0);
    clerkGrid.addComponentColumn(c -> number(c.finishedToday(), () -> showTasks(Slice.FINISHED_TODAY, null, null, c.name())))
        .setHeader(getTranslation("dashboard.col.finishedToday")).setAutoWidth(true).setFlexGrow(0);
    clerkGrid.addColumn(c -> c.medianWorkHours() == null ? "–" : getTranslation("dashboard.hours", c.medianWorkHours()))
        .setHeader(getTranslation("dashboard.col.medianHours")).setAutoWidth(true).setFlexGrow(0);
    clerkGrid.setAllRowsVisible(true);
    clerkGrid.addThemeVariants(GridVariant.LUMO_COMPACT);
  }

  private Component number(long value, Runnable open) {
    if (value == 0) {
      return new Span("0");
    }
    Button b = new Button(Long.toString(value), e -> open.run());
    b.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE);
    return b;
  }

  private void drillGrid() {
    drill.setPadding(false);
    drill.setVisible(false);
    drill.setId("dashboard-drill");
    drillGrid.setId("dashboard-drill-grid");
    DateTimeFormatter when = Dates.dateTime(getLocale());
    // analysts do not open case files (personal data); they see the case number only
    drillGrid.addComponentColumn(t -> mayOpenCases ? new RouterLink(t.caseNumber(), CaseView.class, t.caseNumber())
        : new Span(t.caseNumber())).setHeader(getTranslation("dashboard.col.case")).setAutoWidth(true).setFlexGrow(0);
    drillGrid.addColumn(t -> label("case.type.", t.caseType())).setHeader(getTranslation("dashboard.col.process"));
    drillGrid.addColumn(t -> label("step.", t.step())).setHeader(getTranslation("dashboard.col.step")).setFlexGrow(2);
    drillGrid.addColumn(t -> label("group.", t.group())).setHeader(getTranslation("dashboard.col.group"));
    drillGrid.addColumn(t -> t.open() ? nullToDash(t.assignee()) : nullToDash(t.completedBy()))
        .setHeader(getTranslation("dashboard.col.assignee"));
    drillGrid.addColumn(t -> t.dueAt() == null ? "–" : when.format(t.dueAt())).setHeader(getTranslation("dashboard.col.due"))
        .setAutoWidth(true);
    drillGrid.addColumn(this::daysLeft).setHeader(getTranslation("dashboard.col.daysLeft")).setAutoWidth(true).setFlexGrow(0);
    drillGrid.setAllRowsVisible(true);
    drillGrid.addThemeVariants(GridVariant.LUMO_COMPACT);
    export.setText(getTranslation("dashboard.export"));
    export.setId("dashboard-export");
    export.getElement().setAttribute("download", true);
    Button close = new Button(getTranslation("dashboard.drill.close"), e -> drill.setVisible(false));
    HorizontalLayout head = new HorizontalLayout(drillTitle, export, close);
    head.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
    waitingGrid.setId("dashboard-waiting-grid");
    waitingGrid.addComponentColumn(v -> mayOpenCases ? new RouterLink(v.caseNumber(), CaseView.class, v.caseNumber())
        : new Span(v.caseNumber())).setHeader(getTranslation("dashboard.col.case")).setAutoWidth(true).setFlexGrow(0);
    waitingGrid.addColumn(v -> label("case.type.", v.caseType())).setHeader(getTranslation("dashboard.col.process"));
    waitingGrid.addColumn(v -> label("step.", v.step())).setHeader(getTranslation("dashboard.col.step"));
    waitingGrid.addColumn(v -> label("channel.", v.channel())).setHeader(getTranslation("dashboard.channel"));
    waitingGrid.addColumn(v -> when.format(v.enteredAt())).setHeader(getTranslation("dashboard.col.since")).setAutoWidth(true);
    waitingGrid.setAllRowsVisible(true);
    waitingGrid.addThemeVariants(GridVariant.LUMO_COMPACT);
    forecastGrid.setId("dashboard-forecast-grid");
    forecastGrid.addComponentColumn(f -> mayOpenCases ? new RouterLink(f.caseNumber(), CaseView.class, f.caseNumber())
        : new Span(f.caseNumber())).setHeader(getTranslation("dashboard.col.case")).setAutoWidth(true).setFlexGrow(0);
    forecastGrid.addColumn(f -> label("step.", f.step())).setHeader(getTranslation("dashboard.col.step"));
    forecastGrid.addColumn(f -> when.format(f.dueAt())).setHeader(getTranslation("dashboard.col.due")).setAutoWidth(true);
    forecastGrid.addColumn(this::reason).setHeader(getTranslation("forecast.col.reason")).setFlexGrow(3);
    forecastGrid.setAllRowsVisible(true);
    forecastGrid.addThemeVariants(GridVariant.LUMO_COMPACT);
    forecastGrid.setVisible(false);
    drill.add(head, drillNote, drillGrid, waitingGrid, forecastGrid);
  }

  /** Lists the cases at a step now, longest there first, with a CSV export. */
  void showWaiting(String elementId, Set<String> steps) {
    List<StepVisitDocument> visits;
    try {
      visits = dashboard.waitingAt(filter(), steps, DRILL_LIMIT);
    } catch (IndexUnavailable e) {
      refresh();
      return;
    }
    drillTitle.setText(getTranslation("dashboard.waiting.title", label("step.", elementId)));
    drillNote.setText(visits.isEmpty() ? getTranslation("dashboard.waiting.none")
        : visits.size() >= DRILL_LIMIT ? getTranslation("dashboard.waiting.limited", DRILL_LIMIT) : getTranslation("dashboard.waiting.count", visits.size()));
    drillGrid.setVisible(false);
    forecastGrid.setVisible(false);
    waitingGrid.setItems(visits);
    waitingGrid.setVisible(!visits.isEmpty());
    String csv = csv(List.of(getTranslation("dashboard.col.case"), getTranslation("dashboard.col.process"),
        getTranslation("dashboard.col.step"), getTranslation("dashboard.channel"), "enteredAt"),
        visits.stream().map(v -> List.of(v.caseNumber(), label("case.type.", v.caseType()), label("step.", v.step()),
            label("channel.", v.channel()), v.enteredAt().toString())).toList());
    export.setHref(new StreamResource("cardcase-at-" + elementId + ".csv",
        () -> new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))));
    export.setVisible(!visits.isEmpty());
    drill.setVisible(true);
    drill.getElement().callJsFunction("scrollIntoView");
  }

  private String daysLeft(TaskDocument t) {
    if (!t.open() || t.dueAt() == null) {
      return "–";
    }
    int left = deadlines.workingDaysLeft(t.dueAt());
    return left < 0 ? getTranslation("dashboard.daysOverdue", -left) : getTranslation("dashboard.daysLeft", left);
  }

  /** Lists the tasks behind a number, below the figures, with a CSV export of the same list. */
  void showTasks(Slice slice, String atStep, String inGroup, String clerk) {
    List<TaskDocument> tasks;
    try {
      tasks = dashboard.tasks(filter(), slice, atStep, inGroup, clerk, Instant.now(), DRILL_LIMIT);
    } catch (IndexUnavailable e) {
      refresh();
      return;
    }
    List<String> where = new ArrayList<>();
    if (atStep != null) {
      where.add(label("step.", atStep));
    }
    if (inGroup != null) {
      where.add(label("group.", inGroup));
    }
    if (clerk != null) {
      where.add(clerk);
    }
    drillTitle.setText(getTranslation("dashboard.slice." + slice) + (where.isEmpty() ? "" : " · " + String.join(" · ", where)));
    drillNote.setText(tasks.isEmpty() ? getTranslation("dashboard.drill.none")
        : tasks.size() >= DRILL_LIMIT ? getTranslation("dashboard.drill.limited", DRILL_LIMIT) : getTranslation("dashboard.drill.count", tasks.size()));
    drillGrid.setItems(tasks);
    drillGrid.setVisible(!tasks.isEmpty());
    waitingGrid.setVisible(false);
    forecastGrid.setVisible(false);
    export.setHref(new StreamResource("cardcase-" + slice.name().toLowerCase(Locale.ROOT) + ".csv",
        () -> new ByteArrayInputStream(csv(tasks).getBytes(StandardCharsets.UTF_8))));
    export.setVisible(!tasks.isEmpty());
    drill.setVisible(true);
    drill.getElement().callJsFunction("scrollIntoView");
  }

  String csv(List<TaskDocument> tasks) {
    return csv(List.of(getTranslation("dashboard.col.case"), getTranslation("dashboard.col.process"),
        getTranslation("dashboard.col.step"), getTranslation("dashboard.col.group"), getTranslation("dashboard.col.assignee"),
        "createdAt", "dueAt", "completedAt"),
        tasks.stream().map(t -> List.of(t.caseNumber(), label("case.type.", t.caseType()), label("step.", t.step()),
            label("group.", t.group()), t.open() ? nullToEmpty(t.assignee()) : nullToEmpty(t.completedBy()),
            String.valueOf(t.createdAt()), t.dueAt() == null ? "" : t.dueAt().toString(),
            t.completedAt() == null ? "" : t.completedAt().toString())).toList());
  }

  /** A list as CSV (UTF-8 with a byte order mark, so spreadsheet programs read the Chinese right). */
  private static String csv(List<String> header, List<List<String>> rows) {
    StringBuilder out = new StringBuilder("\uFEFF");
    List<List<String>> all = new ArrayList<>(rows.size() + 1);
    all.add(header);
    all.addAll(rows);
    all.forEach(row -> out.append(String.join(",", row.stream().map(DashboardView::quote).toList())).append("\r\n"));
    return out.toString();
  }

  private static String quote(String v) {
    return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }

  private static String nullToDash(String v) {
    return v == null ? "–" : v;
  }

  private static String nullToEmpty(String v) {
    return v == null ? "" : v;
  }

  /** The label of a code in the user's language; the code itself if none is kept. */
  private String label(String prefix, String code) {
    if (code == null) {
      return "–";
    }
    String key = prefix + code;
    String t = getTranslation(key);
    return t == null || t.contains(key) ? code : t;
  }

  SlaDashboard.Figures figures() {
    return figures;
  }
}
