package org.cardcase.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.RolesAllowed;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.stream.Collectors;
import org.cardcase.calendar.CalendarStore;
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
  private final CalendarStore calendar;
  private final AuthenticationContext auth;
  private final Grid<CalendarStore.Year> years = new Grid<>();
  private final IntegerField year = new IntegerField();
  private final TextArea days = new TextArea();
  private final TextField source = new TextField();
  private final TextField reason = new TextField();
  private final Div errors = new Div();

  public CalendarView(CalendarStore calendar, AuthenticationContext auth) {
    this.calendar = calendar;
    this.auth = auth;
    setSizeFull();
    DateTimeFormatter when = Dates.dateTime(getLocale());
    years.setId("calendar-years");
    years.addColumn(CalendarStore.Year::year).setHeader(getTranslation("calendar.col.year")).setAutoWidth(true);
    years.addColumn(y -> y.days().stream().filter(d -> d.kind().name().equals("HOLIDAY")).count())
        .setHeader(getTranslation("calendar.col.holidays"));
    years.addColumn(y -> y.days().stream().filter(d -> d.kind().name().equals("WORKDAY")).count())
        .setHeader(getTranslation("calendar.col.workdays"));
    years.addColumn(CalendarStore.Year::source).setHeader(getTranslation("calendar.col.source")).setFlexGrow(3);
    years.addColumn(y -> y.updatedBy() + " · " + when.format(y.updatedAt())).setHeader(getTranslation("calendar.col.updated"))
        .setAutoWidth(true);
    years.setAllRowsVisible(true);
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

  private VerticalLayout editor() {
    year.setId("calendar-year");
    year.setLabel(getTranslation("calendar.col.year"));
    year.setMin(1950);
    year.setMax(2100);
    year.setStepButtonsVisible(true);
    // another year typed: show that year as loaded, or an empty form, never the previous year's text
    year.addValueChangeListener(e -> {
      if (!e.isFromClient()) {
        return;
      }
      calendar.years().stream().filter(y -> e.getValue() != null && y.year() == e.getValue()).findFirst().ifPresentOrElse(this::edit,
          () -> {
            days.clear();
            source.clear();
            reason.clear();
            errors.setText("");
          });
    });
    days.setId("calendar-days");
    days.setLabel(getTranslation("calendar.days"));
    days.setHelperText(getTranslation("calendar.days.help"));
    days.setWidthFull();
    days.setHeight("16em");
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
    VerticalLayout form = new VerticalLayout(new HorizontalLayout(year), days, source, reason, errors, save);
    form.setPadding(false);
    form.setMaxWidth("60em");
    return form;
  }

  private void edit(CalendarStore.Year y) {
    year.setValue(y.year());
    days.setValue(y.days().stream().map(d -> d.date() + "," + d.kind().name().toLowerCase() + "," + d.occasion())
        .collect(Collectors.joining("\n")));
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
      List<CalendarStore.Day> parsed = CalendarStore.parse(days.getValue());
      CalendarStore.Change c = calendar.saveYear(year.getValue(), parsed, source.getValue(), reason.getValue(),
          auth.getPrincipalName().orElseThrow());
      errors.setText("");
      Notification.show(getTranslation("calendar.saved", c.year(), c.added().size(), c.removed().size(), c.changed().size(),
          c.deadlinesRecomputed()), 6000, Notification.Position.BOTTOM_START).setId("calendar-saved");
      refresh();
    } catch (FieldErrors e) {
      errors.setText(e.errors().entrySet().stream().map(x -> x.getKey() + ": " + x.getValue()).collect(Collectors.joining("\n")));
    }
  }

  private void refresh() {
    years.setItems(calendar.years());
  }
}
