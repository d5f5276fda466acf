package org.cardcase.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import jakarta.annotation.security.RolesAllowed;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Set;
import org.cardcase.casefile.CaseAccess;
import org.cardcase.search.CaseHit;
import org.cardcase.search.CaseSearches;

/** All cases, newest first, searchable by name, case number or ID number. Personal data masked. */
@Route(value = "", layout = MainLayout.class)
@PageTitle("CardCase")
@RolesAllowed({"CLERK", "SUPERVISOR", "ANALYST", "ADMIN"})
public class CasesView extends VerticalLayout {
  private final CaseSearches index;
  private final Grid<CaseHit> grid = new Grid<>(CaseHit.class, false);
  private final TextField search = new TextField();
  private final Span status = new Span();

  private final CaseAccess access;
  private Grid.Column<CaseHit> cardColumn;
  private final Staff staff;
  /** The files of the hits shown that this person may open; the rest are listed without a link. */
  private Set<String> openable = Set.of();

  public CasesView(CaseSearches index, CaseAccess access, Staff staff) {
    this.index = index;
    this.access = access;
    this.staff = staff;
    setSizeFull();
    search.setId("case-search");
    search.setPlaceholder(getTranslation("cases.search.placeholder"));
    search.focus();
    search.setWidth("32em");
    search.setClearButtonVisible(true);
    search.setValueChangeMode(ValueChangeMode.LAZY);
    search.addValueChangeListener(e -> refresh());
    search.addKeyPressListener(Key.ENTER, e -> refresh());
    DateTimeFormatter when = Dates.dateTime(getLocale());
    grid.setId("cases");
    // the field the search matched is highlighted; masked values stay masked
    grid.addComponentColumn(h -> {
      Component link;
      if (openable.contains(h.caseNumber())) {
        link = new RouterLink(h.caseNumber(), CaseView.class, h.caseNumber());
      } else {
        link = new Span(h.caseNumber());
        link.getElement().setAttribute("title", getTranslation("cases.notYours"));
      }
      if (h.matched().contains("caseNumber")) {
        link.getElement().getStyle().set("background", "var(--lumo-warning-color-50pct, #ffe58f)");
      }
      return link;
    }).setHeader(getTranslation("cases.col.caseNumber")).setAutoWidth(true);
    grid.addComponentColumn(h -> mark(h.applicantNameMasked(), h.matched().contains("name")))
        .setHeader(getTranslation("cases.col.name")).setAutoWidth(true);
    grid.addComponentColumn(h -> mark(h.idNumberMasked(), h.matched().contains("idNumber")))
        .setHeader(getTranslation("cases.col.idNumber")).setAutoWidth(true);
    cardColumn = grid.addComponentColumn(h -> mark(String.join(", ", h.cardNumbersMasked()), h.matched().contains("cardNumber")))
        .setHeader(getTranslation("cases.col.cardNumber")).setAutoWidth(true).setKey("cardNumber");
    // type, step and channel wrap rather than being cut off at 1440 px
    grid.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT);
    grid.addColumn(h -> getTranslation("case.type." + h.caseType())).setHeader(getTranslation("cases.col.type")).setWidth("8em")
        .setFlexGrow(1);
    grid.addColumn(h -> getTranslation("case.status." + h.status())).setHeader(getTranslation("cases.col.status")).setWidth("6em")
        .setFlexGrow(1);
    grid.addColumn(h -> getTranslation("step." + h.currentStep())).setHeader(getTranslation("cases.col.step")).setWidth("9em")
        .setFlexGrow(2);
    grid.addColumn(h -> getTranslation("channel." + h.channel())).setHeader(getTranslation("cases.col.channel")).setWidth("6em")
        .setFlexGrow(1);
    grid.addColumn(h -> when.format(h.createdAt())).setHeader(getTranslation("cases.col.created")).setAutoWidth(true);
    add(search, status, grid);
    expand(grid);
    refresh();
  }

  static Span mark(String text, boolean matched) {
    Span s = new Span(text);
    if (matched) {
      s.getElement().setAttribute("matched", "");
      s.getStyle().set("background", "var(--lumo-warning-color-50pct, #ffe58f)").set("font-weight", "600");
    }
    return s;
  }

  void refresh() {
    try {
      List<CaseHit> hits = index.search(staff.person().name(), "workspace", search.getValue(), 200);
      openable = access.openable(hits.stream().map(CaseHit::caseNumber).toList(), staff.person());
      // no card among the hits: the column would only take room from the ones that say something
      cardColumn.setVisible(hits.stream().anyMatch(h -> !h.cardNumbersMasked().isEmpty()));
      grid.setItems(hits);
      status.setText(getTranslation("cases.count", hits.size()));
    } catch (RuntimeException e) {
      grid.setItems(List.of());
      status.setText(getTranslation("cases.search.unavailable"));
    }
  }
}
