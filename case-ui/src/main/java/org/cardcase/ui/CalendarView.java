package org.cardcase.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.RolesAllowed;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cardcase.calendar.CalendarChange;
import org.cardcase.calendar.CalendarDay;
import org.cardcase.calendar.Calendars;
import org.cardcase.calendar.CalendarYear;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.shared.FieldErrors;

/**
 * The working-day calendar: every loaded year, and for administrators a form to add or correct a
 * year. The year's exceptions are edited as lines {@code date,holiday|workday,occasion}, the way
 * the State Council notice lists them.
 */
@Route(value = "calendar", layout = MainLayout.class)
@PageTitle("CardCase")
@RolesAllowed({"CLERK", "SUPERVISOR", "ANALYST", "ADMIN"})
public class CalendarView extends VerticalLayout {
  private final Calendars calendar;
  private final AuthenticationContext auth;
  private final Grid<CalendarYear> years = new Grid<>();
  private final IntegerField year = new IntegerField();
  private final TextArea days = new TextArea();
  private final TextField source = new TextField();
  private final TextField reason = new TextField();
  private final Div errors = new Div();

  public CalendarView(Calendars calendar, AuthenticationContext auth) {
    this.calendar = calendar;
    this.auth = auth;
    setSizeFull();
    DateTimeFormatter when = Dates.dateTime(getLocale());
    years.setId("calendar-years");
    years.addColumn(CalendarYear::year).setHeader(getTranslation("calendar.col.year")).setAutoWidth(true);
    years.addColumn(y -> y.days().stream().filter(d -> d.kind().name().equals("HOLIDAY")).count())
        .setHeader(getTranslation("calendar.col.holidays"));
    years.addColumn(y -> y.days().stream().filter(d -> d.kind().name().equals("WORKDAY")).count())
        .setHeader(getTranslation("calendar.col.workdays"));
    years.addColumn(CalendarYear::source).setHeader(getTranslation("calendar.col.source")).setFlexGrow(3);
    years.addColumn(y -> y.updatedBy() + " · " + when.format(y.updatedAt())).setHeader(getTranslation("calendar.col.updated"))
        .setAutoWidth(true);
    years.setAllRowsVisible(true);
    // a year's arrangements, dates in the reader's format and occasions in their language
    years.setItemDetailsRenderer(new ComponentRenderer<>(y -> {
      Div list = new Div();
      list.setId("calendar-year-days-" + y.year());
      list.getStyle().set("white-space", "pre-line");
      list.setText(daysOf(y));
      return list;
    }));
    years.asSingleSelect().addValueChangeListener(e -> {
      if (e.getValue() != null) {
        edit(e.getValue());
      }
    });
    add(new H2(getTranslation("calendar.title")), new Paragraph(getTranslation("calendar.help")), years);
    if (auth.hasRole("ADMIN")) {
      add(editor());
    }
    refresh();
  }

  /** One arrangement of the year being edited: a row of the table. */
  static final class Row {
    LocalDate date;
    WorkingDayCalendar.Kind kind = WorkingDayCalendar.Kind.HOLIDAY;
    String occasion = "";

    Row(LocalDate date, WorkingDayCalendar.Kind kind, String occasion) {
      this.date = date;
      this.kind = kind;
      this.occasion = occasion == null ? "" : occasion;
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private final Grid<Row> table = new Grid<>();
  /** Server refusals by row date ("days.2027-02-06"), shown at the row. */
  private final Map<String, String> rowErrors = new HashMap<>();

  private VerticalLayout editor() {
    year.setId("calendar-year");
    year.setLabel(getTranslation("calendar.col.year"));
    year.setMin(1950);
    year.setMax(2100);
    year.setStepButtonsVisible(true);
    // another year typed: show that year as loaded, or an empty form, never the previous year's days
    year.addValueChangeListener(e -> {
      if (!e.isFromClient()) {
        return;
      }
      calendar.years().stream().filter(y -> e.getValue() != null && y.year() == e.getValue()).findFirst().ifPresentOrElse(this::edit,
          () -> {
            rows.clear();
            showRows();
            days.clear();
            source.clear();
            reason.clear();
            errors.setText("");
          });
    });
    // the table: a date picker, the kind and the occasion per row, every row's problem at the row
    table.setId("calendar-table");
    table.addComponentColumn(r -> {
      DatePicker d = new DatePicker(r.date);
      d.setLocale(getLocale());
      d.setId("calendar-row-date-" + rows.indexOf(r));
      d.addValueChangeListener(e -> r.date = e.getValue());
      String problem = r.date == null ? null : rowErrors.get("days." + r.date);
      d.setInvalid(problem != null);
      d.setErrorMessage(problem);
      return d;
    }).setHeader(getTranslation("calendar.col.date")).setWidth("14em").setFlexGrow(0).setKey("date");
    table.addComponentColumn(r -> {
      Select<WorkingDayCalendar.Kind> k = new Select<>();
      k.setItems(WorkingDayCalendar.Kind.values());
      k.setItemLabelGenerator(x -> getTranslation("calendar.kind." + x.name()));
      k.setValue(r.kind);
      k.addValueChangeListener(e -> r.kind = e.getValue());
      return k;
    }).setHeader(getTranslation("calendar.col.kind")).setWidth("12em").setFlexGrow(0);
    table.addComponentColumn(r -> {
      TextField o = new TextField();
      o.setValue(r.occasion);
      o.setWidthFull();
      String name = holidayName(r.occasion);
      o.setHelperText(name.equals(r.occasion) ? null : name);
      o.addValueChangeListener(e -> r.occasion = e.getValue());
      return o;
    }).setHeader(getTranslation("calendar.col.occasion")).setFlexGrow(1);
    table.addComponentColumn(r -> {
      Button remove = new Button(getTranslation("calendar.remove"), e -> {
        rows.remove(r);
        showRows();
      });
      remove.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
      return remove;
    }).setAutoWidth(true).setFlexGrow(0);
    table.setAllRowsVisible(true);
    Button add = new Button(getTranslation("calendar.add"), e -> {
      rows.add(new Row(null, WorkingDayCalendar.Kind.HOLIDAY, ""));
      showRows();
    });
    add.setId("calendar-add");
    // a State Council notice pasted as lines goes into the table in one step
    days.setId("calendar-days");
    days.setLabel(getTranslation("calendar.days"));
    days.setHelperText(getTranslation("calendar.days.help"));
    days.setWidthFull();
    days.setHeight("10em");
    Button paste = new Button(getTranslation("calendar.paste"), e -> paste());
    paste.setId("calendar-paste");
    Details pasteBox = new Details(
        getTranslation("calendar.paste.title"), new VerticalLayout(days, paste));
    pasteBox.setId("calendar-paste-box");
    source.setId("calendar-source");
    source.setLabel(getTranslation("calendar.source"));
    source.setWidthFull();
    reason.setId("calendar-reason");
    reason.setLabel(getTranslation("calendar.reason"));
    reason.setWidthFull();
    errors.setId("calendar-errors");
    errors.getStyle().set("color", "var(--lumo-error-text-color)").set("white-space", "pre-line");
    Button save = new Button(getTranslation("calendar.save"), e -> save());
    save.setId("calendar-save");
    save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    VerticalLayout form = new VerticalLayout(new HorizontalLayout(year), table, add, pasteBox, source, reason, errors, save);
    form.setPadding(false);
    form.setMaxWidth("60em");
    return form;
  }

  private void showRows() {
    rows.sort(Comparator.comparing((Row r) -> r.date == null ? LocalDate.MAX : r.date));
    table.setItems(rows);
  }

  /** Lines put into the table; every bad line is said at once and the table is left as it was. */
  private void paste() {
    try {
      List<CalendarDay> parsed = Calendars.parse(days.getValue());
      rows.clear();
      parsed.forEach(d -> rows.add(new Row(d.date(), d.kind(), d.occasion())));
      rowErrors.clear();
      showRows();
      errors.setText("");
      days.clear();
    } catch (FieldErrors e) {
      errors.setText(said(e));
    }
  }

  private void edit(CalendarYear y) {
    year.setValue(y.year());
    rows.clear();
    y.days().forEach(d -> rows.add(new Row(d.date(), d.kind(), d.occasion())));
    rowErrors.clear();
    showRows();
    days.clear();
    source.setValue(y.source());
    reason.clear();
    errors.setText("");
  }

  private void save() {
    // the role is checked here, on the server, not only by hiding the form
    if (!auth.hasRole("ADMIN")) {
      errors.setText(getTranslation("calendar.notAllowed"));
      return;
    }
    if (year.getValue() == null) {
      errors.setText(getTranslation("calendar.col.year") + ": " + getTranslation("form.required"));
      return;
    }
    try {
      List<CalendarDay> list = rows.stream().map(r -> new CalendarDay(r.date, r.kind, r.occasion.strip())).toList();
      CalendarChange c = calendar.saveYear(year.getValue(), list, source.getValue(), reason.getValue(),
          auth.getPrincipalName().orElseThrow());
      errors.setText("");
      rowErrors.clear();
      showRows();
      Notification.show(getTranslation("calendar.saved", c.year(), c.added().size(), c.removed().size(), c.changed().size(),
          c.deadlinesRecomputed()), 6000, Notification.Position.BOTTOM_START).setId("calendar-saved");
      refresh();
    } catch (FieldErrors e) {
      rowErrors.clear();
      e.errors().forEach((k, v) -> {
        if (k.startsWith("days.")) {
          rowErrors.put(k, problem(k, v));
        }
      });
      showRows();
      errors.setText(said(e));
    }
  }

  /** Every problem at once, in the reader's language. */
  private String said(FieldErrors e) {
    return e.errors().entrySet().stream().map(x -> where(x.getKey()) + ": " + problem(x.getKey(), x.getValue()))
        .collect(Collectors.joining("\n"));
  }

  private String where(String key) {
    if (key.startsWith("days.")) {
      return Dates.date(getLocale()).format(LocalDate.parse(key.substring(5)));
    }
    if (key.startsWith("line ")) {
      return getTranslation("calendar.line", key.substring(5));
    }
    return getTranslation("calendar.field." + key);
  }

  /** The store's rule, said in the reader's words (the store speaks English to the API). */
  private String problem(String key, String message) {
    String code = message.contains("is not in") ? "notInYear" : message.contains("appears twice") ? "twice"
        : message.contains("already a working day") ? "weekdayWorkday" : message.contains("name the occasion") ? "occasion"
        : message.contains("at most 60") ? "occasionLong" : message.contains("expected date,") ? "lineFormat"
        : message.contains("is not a date") ? "lineDate" : message.contains("kind must be") ? "lineKind"
        : message.contains("a date and a kind") ? "dateMissing" : key.equals("source") ? "source" : key.equals("reason") ? "reason"
        : key.equals("year") ? "year" : null;
    return code == null ? message : getTranslation("calendar.err." + code, year.getValue() == null ? "" : String.valueOf(year.getValue()));
  }

  /** A year's arrangements, one per line, as the reader reads dates and names occasions. */
  String daysOf(CalendarYear y) {
    return y.days().stream().map(d -> Dates.date(getLocale()).format(d.date()) + " · "
        + getTranslation("calendar.kind." + d.kind().name()) + " · " + holidayName(d.occasion())).collect(Collectors.joining("\n"));
  }

  /** A known occasion's name in the reader's language (the notice lists them in English here). */
  String holidayName(String occasion) {
    if (occasion == null || occasion.isBlank()) {
      return "";
    }
    String t = getTranslation("holiday." + occasion.strip().replace(' ', '_'));
    return t.startsWith("!") ? occasion : t;
  }

  private void refresh() {
    years.setItems(calendar.years());
  }
}
