package org.cardcase.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.StreamResource;
import jakarta.annotation.security.RolesAllowed;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.time.format.FormatStyle;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.casefile.CaseAccess;
import org.cardcase.casefile.CaseFiles;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardTransition;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.PersonalData;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.forecast.BreachForecast;
import org.cardcase.flow.ProcessCatalog;
import org.cardcase.flow.ProcessLink;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.incidents.Incidents;
import org.cardcase.shared.Masking;

/**
 * The case file: the case's data (personal data masked until someone with a reason asks, which
 * is audited), deadlines in working days, documents, the card's lifecycle, the audit trail as a
 * timeline, and the process diagram with the step the case is at highlighted. Opening it is
 * itself recorded in the audit trail.
 */
@Route(value = "case", layout = MainLayout.class)
@PageTitle("CardCase")
@RolesAllowed({"CLERK", "SUPERVISOR", "ADMIN"})
public class CaseView extends VerticalLayout implements HasUrlParameter<String> {
  private final CaseFiles caseFiles;
  private final PersonalData personalData;
  private final CaseDocuments documents;
  private final CardLifecycle cards;
  private final ProcessLinks links;
  private final ProcessCatalog catalog;
  private final Staff staff;
  private final Incidents incidents;
  private final BreachForecast forecasts;
  private final CaseAccess access;

  public CaseView(CaseFiles caseFiles, PersonalData personalData, CaseDocuments documents, CardLifecycle cards,
      ProcessLinks links, ProcessCatalog catalog, Staff staff, Incidents incidents,
      BreachForecast forecasts, CaseAccess access) {
    this.access = access;
    this.forecasts = forecasts;
    this.incidents = incidents;
    this.caseFiles = caseFiles;
    this.personalData = personalData;
    this.documents = documents;
    this.cards = cards;
    this.links = links;
    this.catalog = catalog;
    this.staff = staff;
  }

  @Override
  public void setParameter(BeforeEvent event, String caseNumber) {
    removeAll();
    var person = staff.person();
    String me = person.name();
    if (!caseFiles.exists(caseNumber)) {
      add(new Paragraph(getTranslation("case.notFound", caseNumber)));
      return;
    }
    try {
      access.require(caseNumber, person, "workspace");
    } catch (CaseAccess.NotYourCase refused) {
      Paragraph why = new Paragraph(getTranslation("case.notYours", caseNumber));
      why.setId("case-not-yours");
      add(new H2(getTranslation("notAllowed.title")), why, new RouterLink(getTranslation("nav.cases"), CasesView.class));
      return;
    }
    CaseFiles.CaseFile file = caseFiles.view(caseNumber, me, "workspace").orElseThrow();
    CaseRecord c = file.record();
    DateTimeFormatter when = Dates.dateTime(getLocale());
    H2 title = new H2(c.caseNumber() + " · " + getTranslation("case.type." + c.caseType()));
    Span status = new Span(getTranslation("case.status." + c.status()));
    status.setId("case-status");
    status.getElement().getThemeList().add("badge");
    Span step = new Span(getTranslation("cases.col.step") + ": " + getTranslation("step." + c.currentStep()));
    step.setId("case-step");
    add(title, new HorizontalLayout(status, step, new Span(getTranslation("channel." + c.channel())),
        new Span(getTranslation("cases.col.created") + " " + when.format(c.createdAt()))));

    // personal data: masked, and in full only with a reason
    Span name = new Span(Masking.name(c.applicantName()));
    name.setId("case-name");
    Span id = new Span(Masking.idNumber(c.idNumber()));
    id.setId("case-id-number");
    Span phone = new Span(Masking.phone(c.phone()));
    Button reveal = new Button(getTranslation("case.reveal"), e -> askReason(c, name, id, phone));
    reveal.setId("reveal-personal-data");
    reveal.setVisible(staff.has("CLERK") || staff.has("SUPERVISOR"));
    add(section("case.section.person"), new HorizontalLayout(name, id, phone, reveal));

    add(section("case.section.deadlines"));
    if (!file.closed()) {
      for (var due : file.deadlines()) {
        var d = due.deadline();
        int left = due.workingDaysLeft();
        // a deadline of a step the case has passed is history, not time left
        Span line = new Span(getTranslation("deadline." + d.name()) + ": " + Dates.date(getLocale()).format(d.dueAt()) + " · "
            + (!due.running() ? getTranslation("case.deadline.passedStep")
                : left < 0 ? getTranslation("tasks.due.overdue", -left) : getTranslation("tasks.due.left", left))
            + (d.provisional() ? " · " + getTranslation("case.provisional") : ""));
        line.setId("deadline-" + d.name());
        if (!due.running()) {
          line.getStyle().set("color", "var(--lumo-secondary-text-color)");
        }
        add(line);
      }
      // the breach forecast: the step it waits at usually takes longer than it was given
      forecasts.forecastOfCase(c.caseNumber(), Instant.now()).ifPresent(f -> {
        Span flag = new Span(getTranslation("forecast.flag") + " · " + ForecastText.of(this, f));
        flag.setId("case-forecast");
        flag.getElement().getThemeList().add("badge error");
        add(flag);
      });
    } else {
      add(new Span(getTranslation("case.closed", when.format(c.closedAt()))));
    }

    VerticalLayout open = new VerticalLayout();
    open.setPadding(false);
    file.openTasks().stream().map(CaseFiles.OpenTask::task).forEach(t -> open.add(new RouterLink(getTranslation("step." + t.elementId()) + " · "
        + (t.assignee() == null ? getTranslation("task.unclaimed") : t.assignee()), TaskView.class, t.id())));
    add(section("case.section.tasks"), open);

    add(section("case.section.documents"));
    for (var d : documents.all(caseNumber)) {
      if (d.removed()) {
        // its content removed by the retention job: said so, with the date, instead of a link to nothing
        Span gone = new Span(getTranslation("document." + d.kind()) + " v" + d.version() + " · "
            + getTranslation("case.document.removed", when.format(d.removedAt())));
        gone.addClassName("document-removed");
        add(gone);
        continue;
      }
      StreamResource res = new StreamResource(d.kind().toLowerCase() + "-v" + d.version(), () -> new ByteArrayInputStream(
          personalData.openDocument(caseNumber, d.id(), d.kind(), me, "workspace", "case file")));
      Anchor a = new Anchor(res, getTranslation("document." + d.kind()) + " v" + d.version() + " (" + d.contentType() + ", "
          + d.sizeBytes() / 1024 + " KB)");
      a.setTarget("_blank");
      add(a);
    }

    file.card().ifPresent(card -> {
      add(section("case.section.card"), new Span(card.cardId() + " · " + getTranslation("card.state." + card.state())
          + (card.cardNumber() == null ? "" : " · " + Masking.cardNumber(card.cardNumber()))));
      Grid<CardTransition> history = new Grid<>();
      history.setId("card-history");
      history.addColumn(t -> when.format(t.at())).setHeader(getTranslation("case.col.when")).setAutoWidth(true);
      history.addColumn(t -> getTranslation("card.state." + t.to())).setHeader(getTranslation("case.col.state")).setAutoWidth(true);
      history.addColumn(t -> Labels.actor(this, t.actor())).setHeader(getTranslation("case.col.who")).setAutoWidth(true);
      history.addColumn(t -> Labels.channel(this, t.channel())).setHeader(getTranslation("cases.col.channel")).setAutoWidth(true);
      history.addColumn(t -> CardHistoryText.of(this, t.reason())).setHeader(getTranslation("case.col.why")).setKey("why");
      history.setItems(cards.history(card.cardId()));
      history.setAllRowsVisible(true);
      add(history);
    });

    // steps of this case that failed for good (supervisors act on them in the supervision view)
    List<Incidents.Incident> caseIncidents = incidents.ofCase(caseNumber);
    if (!caseIncidents.isEmpty()) {
      Grid<Incidents.Incident> ig = new Grid<>();
      ig.setId("case-incidents");
      ig.addColumn(i -> when.format(i.raisedAt())).setHeader(getTranslation("incident.col.raised")).setAutoWidth(true);
      ig.addColumn(i -> getTranslation("step." + i.elementId())).setHeader(getTranslation("incident.col.step")).setAutoWidth(true);
      ig.addColumn(Incidents.Incident::error).setHeader(getTranslation("incident.col.error"));
      ig.addColumn(Incidents.Incident::times).setHeader(getTranslation("incident.col.times"))
          .setAutoWidth(true);
      ig.addColumn(i -> getTranslation("incident.state." + i.state())
          + (i.actedBy() == null ? "" : " · " + i.actedBy()) + (i.reason() == null ? "" : " · " + i.reason()))
          .setHeader(getTranslation("incident.col.state")).setAutoWidth(true);
      ig.setItems(caseIncidents);
      ig.setAllRowsVisible(true);
      add(section("case.incidents"), ig);
    }

    add(section("case.section.diagram"), diagrams(caseNumber));

    if (staff.has("SUPERVISOR") || staff.has("ADMIN")) {
      add(looks(caseNumber, when));
    }

    add(section("case.section.audit"));
    Grid<AuditTrail.Entry> trail = new Grid<>();
    trail.setId("audit-timeline");
    trail.addColumn(e -> when.format(e.at())).setHeader(getTranslation("case.col.when")).setAutoWidth(true);
    trail.addColumn(e -> Labels.actor(this, e.actor())).setHeader(getTranslation("case.col.who")).setAutoWidth(true);
    trail.addColumn(e -> getTranslation("audit." + e.action())).setHeader(getTranslation("case.col.what")).setAutoWidth(true);
    if (staff.has("SUPERVISOR") || staff.has("ADMIN")) {
      trail.addComponentColumn(e -> details(e.detail())).setHeader(getTranslation("case.col.detail")).setFlexGrow(2).setKey("detail");
    }
    trail.setItems(caseFiles.trail(caseNumber));
    trail.setAllRowsVisible(true);
    add(trail);
  }

  /**
   * Who looked at this case (PIPL: the holder may ask who read their data): each view, personal data or document shown, lookup,
   * refused look and copy the citizen obtained, with who, when, from which screen or channel and why.
   * For supervisors and administrators, who may read the audit trail; its entries, not a copy of them.
   */
  private Component looks(String caseNumber, DateTimeFormatter when) {
    VerticalLayout box = new VerticalLayout();
    box.setPadding(false);
    box.setId("case-looks");
    box.add(section("case.section.looks"));
    List<AuditTrail.Entry> looks = caseFiles.looks(caseNumber);
    Grid<AuditTrail.Entry> grid = new Grid<>();
    grid.setId("looks");
    grid.addColumn(e -> when.format(e.at())).setHeader(getTranslation("case.col.when")).setAutoWidth(true);
    grid.addColumn(e -> Labels.actor(this, e.actor())).setHeader(getTranslation("case.col.who")).setAutoWidth(true);
    grid.addColumn(e -> Labels.channel(this, e.channel())).setHeader(getTranslation("case.looks.via")).setAutoWidth(true);
    grid.addColumn(e -> getTranslation("audit." + e.action())).setHeader(getTranslation("case.col.what")).setAutoWidth(true);
    grid.addColumn(e -> why(e.detail())).setHeader(getTranslation("case.col.why")).setFlexGrow(2).setKey("why");
    grid.setItems(looks);
    grid.setAllRowsVisible(true);
    Span count = new Span(getTranslation("case.looks.count", looks.size()));
    count.setId("looks-count");
    box.add(count, grid);
    return box;
  }

  /** Why someone looked: the reason they gave, how the citizen was authenticated, or the document opened. */
  private String why(Map<String, Object> detail) {
    List<String> parts = new ArrayList<>();
    if (detail.get("reason") != null) {
      parts.add(String.valueOf(detail.get("reason")));
    }
    if (detail.get("kind") != null) {
      parts.add(words("document." + detail.get("kind"), String.valueOf(detail.get("kind"))));
    }
    if (detail.get("authenticatedBy") != null) {
      parts.add(words("audit.field.authenticatedBy", "authenticatedBy") + " " + detail.get("authenticatedBy"));
    }
    if (detail.get("format") != null) {
      parts.add(String.valueOf(detail.get("format")));
    }
    return String.join(" · ", parts);
  }

  /** An audit entry's details as labelled fields in the reader's language, codes in words (not a raw map). */
  private Component details(Map<String, Object> detail) {
    Div box = new Div();
    box.addClassName("audit-detail");
    box.getStyle().set("white-space", "normal").set("font-size", "var(--lumo-font-size-s)");
    detail.forEach((key, value) -> {
      Div line = new Div();
      Span label = new Span(words("audit.field." + key, key) + ": ");
      label.getStyle().set("color", "var(--lumo-secondary-text-color)");
      line.add(label, new Span(value(key, value)));
      box.add(line);
    });
    return box;
  }

  private String value(String key, Object value) {
    if (value instanceof Map<?, ?> m) {
      return m.entrySet().stream().map(x -> words("audit.field." + x.getKey(), String.valueOf(x.getKey())) + " " + x.getValue())
          .collect(Collectors.joining("; "));
    }
    String v = String.valueOf(value);
    return switch (key) {
      case "caseType" -> words("case.type." + v, v);
      case "step" -> words("step." + v, v);
      case "from", "to" -> words("card.state." + v, v);
      case "channel" -> words("channel." + v, v);
      case "onCompletion", "full", "documentsOk" -> getTranslation(Boolean.parseBoolean(v) ? "audit.yes" : "audit.no");
      default -> v;
    };
  }

  /** The translation, or the code itself when there is none. */
  private String words(String key, String code) {
    String t = getTranslation(key);
    return t.startsWith("!") ? code : t;
  }

  private Component diagrams(String caseNumber) {
    VerticalLayout box = new VerticalLayout();
    box.setPadding(false);
    ProcessLink link = links.find(caseNumber).orElse(null);
    if (link == null) {
      return box;
    }
    String wait = link.waitElement();
    Set<String> here = new HashSet<>();
    if (link.ended()) {
      here.add("__none__");
    } else if (wait != null) {
      here.add(ProcessCatalog.resumeElement(wait));
    }
    box.add(svg(catalog.modelOf(link.bpmnProcessId()), here, "diagram-" + link.bpmnProcessId()));
    // a step inside a called process (verification, production): show that process too
    if (wait != null && wait.contains("/") && !link.ended()) {
      Object called = link.variables().get("_checkpointProcess");
      if (called != null && catalog.modelOf(called.toString()) != null) {
        box.add(new Span(getTranslation("case.inside", catalog.stepName(link.bpmnProcessId(), ProcessCatalog.resumeElement(wait)))));
        box.add(svg(catalog.modelOf(called.toString()), Set.of(ProcessCatalog.innerElement(wait)), "diagram-" + called));
      }
    }
    return box;
  }

  private static Component svg(byte[] xml, Set<String> highlighted, String id) {
    if (xml == null) {
      return new Div();
    }
    BpmnViewer viewer = new BpmnViewer(xml, highlighted);
    viewer.setId(id);
    return viewer;
  }

  private void askReason(CaseRecord c, Span name, Span id, Span phone) {
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle(getTranslation("case.reveal"));
    TextField reason = new TextField(getTranslation("case.reveal.reason"));
    reason.setId("reveal-reason");
    reason.setWidthFull();
    Button show = new Button(getTranslation("case.reveal.show"), e -> {
      if (reason.getValue().isBlank() || reason.getValue().length() > 200) {
        reason.setInvalid(true);
        reason.setErrorMessage(getTranslation("case.reveal.reasonRequired"));
        return;
      }
      Map<String, Object> full = personalData.reveal(c.caseNumber(), staff.person().name(), "workspace", reason.getValue().strip());
      name.setText(String.valueOf(full.get("applicantName")));
      id.setText(String.valueOf(full.get("idNumber")));
      phone.setText(String.valueOf(full.get("phone")));
      dialog.close();
    });
    show.setId("reveal-confirm");
    dialog.add(reason);
    dialog.getFooter().add(show);
    dialog.open();
    reason.focus();
  }

  private H3 section(String key) {
    return new H3(getTranslation(key));
  }
}
