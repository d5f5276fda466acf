package org.cardcase.ui;

import com.vaadin.flow.component.AbstractField;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.KeyModifier;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.radiobutton.RadioGroupVariant;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.StreamResource;
import com.vaadin.flow.server.VaadinSession;
import jakarta.annotation.security.RolesAllowed;
import java.io.ByteArrayInputStream;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.Cases;
import org.cardcase.cases.PersonalData;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.forms.FormDefinition;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.Masking;
import org.cardcase.tasks.HumanTask;
import org.cardcase.tasks.TaskNotAllowed;
import org.cardcase.tasks.TaskQueue;
import org.cardcase.verification.Verification;

/**
 * One task: the case's photos and documents beside the form that completes it. The form is built
 * from the same form-js definition the server validates against; a refused value is shown next to
 * its field and completes nothing. Ctrl+Enter completes.
 */
@Route(value = "task", layout = MainLayout.class)
@PageTitle("CardCase")
@RolesAllowed({"CLERK", "SUPERVISOR"})
public class TaskView extends VerticalLayout implements HasUrlParameter<Long> {
  /** Documents a person compares for each kind of task. */
  static final List<String> SHOWN_KINDS = List.of("PORTRAIT_PHOTO", "ID_CARD_FRONT", "HOUSEHOLD_REGISTER");
  private final TaskQueue queue;
  private final Cases cases;
  private final CaseDocuments documents;
  private final PersonalData personalData;
  private final Staff staff;
  /** Who is signed in, read once each time the page is drawn. */
  private TaskQueue.Person me;
  private final Verification verification;
  private final CaseDeadlines caseDeadlines;
  private final Map<String, Component> inputs = new LinkedHashMap<>();
  private FormDefinition form;
  private HumanTask task;

  static final String REFUSED = "cardcase.task.refused";

  public TaskView(TaskQueue queue, Cases cases, CaseDocuments documents, PersonalData personalData,
      Staff staff, Verification verification, CaseDeadlines caseDeadlines) {
    this.verification = verification;
    this.caseDeadlines = caseDeadlines;
    this.queue = queue;
    this.cases = cases;
    this.documents = documents;
    this.personalData = personalData;
    this.staff = staff;
    setSizeFull();
  }

  @Override
  public void setParameter(BeforeEvent event, Long id) {
    Object refused = VaadinSession.getCurrent().getAttribute(REFUSED);
    if (refused != null) {
      VaadinSession.getCurrent().setAttribute(REFUSED, null);
      Notification n = Notification.show(refused.toString(), 8000, Notification.Position.MIDDLE);
      n.addThemeVariants(NotificationVariant.LUMO_ERROR);
      n.setId("task-refused");
    }
    removeAll();
    me = staff.person();
    task = queue.find(id).orElse(null);
    // a task of another group is not shown at all (the server decides, not the menu)
    if (task == null || (!me.groups().contains(task.candidateGroup()) && !me.supervisor())) {
      Paragraph p = new Paragraph(getTranslation("task.forbidden"));
      p.setId("task-forbidden");
      add(p, new RouterLink(getTranslation("nav.tasks"), TasksView.class));
      return;
    }
    CaseRecord c = cases.get(task.caseNumber());
    H2 title = new H2(getTranslation("step." + task.elementId()));
    Span who = new Span(getTranslation("task.case", c.caseNumber(), Masking.name(c.applicantName()), Masking.idNumber(c.idNumber()),
        getTranslation("channel." + c.channel())));
    RouterLink caseLink = new RouterLink(getTranslation("task.caseFile"), CaseView.class, c.caseNumber());
    Span state = new Span(task.open() ? (task.assignee() == null ? getTranslation("task.unclaimed")
        : getTranslation("task.claimedBy", task.assignee())) : getTranslation("task.done"));
    state.setId("task-state");
    add(title, new HorizontalLayout(who, caseLink), state);
    // what the clerk needs beside the photos: the registry's score and the time left, without leaving the task
    HorizontalLayout facts = new HorizontalLayout();
    facts.setId("task-facts");
    if (task.dueAt() != null && task.open()) {
      int left = caseDeadlines.workingDaysLeft(task.dueAt());
      Span due = new Span(getTranslation(left < 0 ? "task.overdue" : "task.workingDaysLeft", Math.abs(left),
          LocalDate.ofInstant(task.dueAt(), WorkingDayCalendar.ZONE)
              .format(DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(getLocale()))));
      due.setId("task-due");
      due.getElement().getThemeList().add(left < 0 ? "badge error" : left <= 1 ? "badge contrast" : "badge");
      facts.add(due);
    }
    verification.round(c.caseNumber(), verification.currentRound(c.caseNumber())).filter(r -> r.photoSimilarity() != null)
        .ifPresent(r -> {
          Span score = new Span(getTranslation("task.registryScore", r.photoSimilarity().toPlainString()));
          score.setId("task-registry-score");
          score.getElement().getThemeList().add("badge");
          facts.add(score);
        });
    add(facts);

    Component docs = documentsPanel(c);
    Component formPanel = formPanel();
    // photos beside the form on a wide screen, above it on a narrow one
    docs.getElement().getStyle().set("flex", "1 1 32em");
    formPanel.getElement().getStyle().set("flex", "1 1 24em");
    FlexLayout body = new FlexLayout(docs, formPanel);
    body.setFlexWrap(FlexLayout.FlexWrap.WRAP);
    body.setAlignItems(Alignment.START);
    body.getStyle().set("gap", "var(--lumo-space-l)");
    body.setWidthFull();
    add(body);
  }

  private Component documentsPanel(CaseRecord c) {
    HorizontalLayout photos = new HorizontalLayout();
    photos.setId("task-documents");
    List<Map.Entry<String, StreamResource>> shown = new ArrayList<>();
    for (String kind : SHOWN_KINDS) {
      documents.latest(c.caseNumber(), kind).ifPresent(d -> {
        // opening the task shows the photos: that is a view of personal data, and audited
        StreamResource res = new StreamResource(kind.toLowerCase() + "-" + d.version() + ".img", () -> new ByteArrayInputStream(
            personalData.openDocument(c.caseNumber(), d.id(), kind, staff.person().name(), "workspace", "task " + task.id())));
        Image img = new Image(res, getTranslation("document." + kind));
        img.setMaxWidth("300px");
        img.setMaxHeight("340px");
        img.getStyle().set("border", "1px solid var(--lumo-contrast-20pct)").set("cursor", "zoom-in");
        String label = getTranslation("document." + kind) + " · v" + d.version();
        shown.add(Map.entry(label, res));
        img.addClickListener(e -> compare(shown));
        VerticalLayout box = new VerticalLayout(new Span(label), img);
        box.setPadding(false);
        photos.add(box);
      });
    }
    if (photos.getComponentCount() == 0) {
      photos.add(new Span(getTranslation("task.noDocuments")));
      return photos;
    }
    Button enlarge = new Button(getTranslation("task.compare"), e -> compare(shown));
    enlarge.setId("task-photos-compare");
    VerticalLayout panel = new VerticalLayout(photos, enlarge);
    panel.setPadding(false);
    return panel;
  }

  /** The photos side by side, as large as the screen allows, with a zoom that applies to all of them. */
  private void compare(List<Map.Entry<String, StreamResource>> shown) {
    Dialog d = new Dialog();
    d.setId("photo-compare");
    d.setHeaderTitle(getTranslation("task.compare"));
    d.setWidth("96vw");
    d.setHeight("92vh");
    HorizontalLayout row = new HorizontalLayout();
    row.setSizeFull();
    List<Image> images = new ArrayList<>();
    for (var e : shown) {
      Image img = new Image(e.getValue(), e.getKey());
      img.getStyle().set("max-height", "72vh").set("max-width", "100%").set("transform-origin", "top left");
      images.add(img);
      Div frame = new Div(img);
      frame.getStyle().set("overflow", "auto").set("flex", "1 1 0").set("height", "74vh")
          .set("border", "1px solid var(--lumo-contrast-20pct)");
      VerticalLayout col = new VerticalLayout(new Span(e.getKey()), frame);
      col.setPadding(false);
      col.getStyle().set("flex", "1 1 0").set("min-width", "0");
      row.add(col);
    }
    double[] scale = {1.0};
    Span level = new Span("100%");
    level.setId("photo-zoom-level");
    Runnable apply = () -> {
      images.forEach(i -> i.getStyle().set("transform", "scale(" + scale[0] + ")"));
      level.setText(Math.round(scale[0] * 100) + "%");
    };
    Button out = new Button("−", e -> {
      scale[0] = Math.max(0.5, scale[0] - 0.25);
      apply.run();
    });
    out.setId("photo-zoom-out");
    out.setAriaLabel(getTranslation("task.zoomOut"));
    Button in = new Button("+", e -> {
      scale[0] = Math.min(4.0, scale[0] + 0.25);
      apply.run();
    });
    in.setId("photo-zoom-in");
    in.setAriaLabel(getTranslation("task.zoomIn"));
    Button fit = new Button(getTranslation("task.zoomFit"), e -> {
      scale[0] = 1.0;
      apply.run();
    });
    d.getHeader().add(out, level, in, fit);
    d.add(row);
    Button close = new Button(getTranslation("task.compareClose"), e -> d.close());
    close.setId("photo-compare-close");
    d.getFooter().add(close);
    d.open();
  }

  private Component formPanel() {
    VerticalLayout panel = new VerticalLayout();
    panel.setPadding(false);
    panel.setMaxWidth("36em");
    if (task.formKey() == null) {
      return panel;
    }
    form = queue.formOf(task);
    boolean zh = getLocale().getLanguage().equals("zh");
    for (FormDefinition.Field f : form.fields()) {
      String label = FormDefinition.Field.inLanguage(f.label(), zh);
      Component input;
      if (f.type().equals("radio") || f.type().equals("select")) {
        RadioButtonGroup<String> g = new RadioButtonGroup<>(label);
        g.setItems(f.values());
        g.setItemLabelGenerator(v -> FormDefinition.Field.inLanguage(f.valueLabels().get(f.values().indexOf(v)), zh));
        g.addThemeVariants(RadioGroupVariant.LUMO_VERTICAL);
        g.setRequiredIndicatorVisible(f.required());
        input = g;
      } else if (f.type().equals("textarea")) {
        TextArea a = new TextArea(label);
        a.setWidthFull();
        a.setRequiredIndicatorVisible(f.required());
        input = a;
      } else {
        TextField t = new TextField(label);
        t.setWidthFull();
        t.setRequiredIndicatorVisible(f.required());
        input = t;
      }
      input.setId("field-" + f.key());
      inputs.put(f.key(), input);
      ((HasValue<?, ?>) input).addValueChangeListener(e -> showOrHide());
      panel.add(input);
    }
    showOrHide();
    Div formError = new Div();
    formError.setId("form-error");
    formError.getStyle().set("color", "var(--lumo-error-text-color)");
    Button complete = new Button(getTranslation("task.complete"), e -> complete(formError));
    complete.setId("complete-task");
    complete.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    // the field the cursor is in is synced first, so its value is what is completed (not "required")
    complete.addClickShortcut(Key.ENTER, KeyModifier.CONTROL).resetFocusOnActiveElement();
    // a task someone else has claimed is theirs to complete (the task store refuses it too)
    boolean someoneElses = task.assignee() != null && !task.assignee().equals(me.name());
    complete.setEnabled(task.open() && !someoneElses);
    if (task.open() && someoneElses) {
      formError.setText(getTranslation("task.claimedByOther", task.assignee()));
    }
    Button claim = new Button(getTranslation("tasks.claim"), e -> {
      try {
        queue.claim(task.id(), staff.person());
        getUI().ifPresent(ui -> ui.navigate(TaskView.class, task.id()));
      } catch (TaskNotAllowed ex) {
        refusedAndRefreshed(ex);
      }
    });
    claim.setId("claim-task");
    claim.setVisible(task.open() && task.assignee() == null);
    // give it back to the group without completing it, for a colleague to take
    Button release = new Button(getTranslation("tasks.release"), e -> {
      try {
        queue.unclaim(task.id(), staff.person());
        getUI().ifPresent(ui -> ui.navigate(TasksView.class));
      } catch (TaskNotAllowed ex) {
        refusedAndRefreshed(ex);
      }
    });
    release.setId("release-task");
    release.setVisible(task.open() && task.assignee() != null
        && (task.assignee().equals(me.name()) || me.supervisor()));
    panel.add(formError, new HorizontalLayout(claim, release, complete));
    return panel;
  }

  /**
   * The task changed meanwhile (someone claimed or completed it): say so in the reader's language and
   * show the task as it is now, not as it was when the page opened.
   */
  private void refusedAndRefreshed(TaskNotAllowed e) {
    // said on the page as it is drawn again (a reload starts a new page, which shows it once)
    VaadinSession.getCurrent().setAttribute(REFUSED, TasksView.refusal(this, e));
    getUI().ifPresent(ui -> ui.getPage().reload());
  }

  /** The most urgent open task for this person: their own first, then their groups' unclaimed ones. */
  private Long nextTask() {
    for (TaskQueue.Scope scope : List.of(TaskQueue.Scope.MINE, TaskQueue.Scope.GROUPS)) {
      var items = queue.page(me, TaskQueue.Filter.of(scope), null, 5).items();
      var found = items.stream().map(TaskQueue.Item::task).filter(t -> t.id() != task.id() && t.open()).findFirst();
      if (found.isPresent()) {
        return found.get().id();
      }
    }
    return null;
  }

  private Map<String, Object> values() {
    Map<String, Object> v = new HashMap<>();
    inputs.forEach((k, c) -> {
      Object value = ((HasValue<?, ?>) c).getValue();
      if (value != null && !(value instanceof String s && s.isBlank())) {
        v.put(k, value);
      }
    });
    return v;
  }

  private void showOrHide() {
    Map<String, Object> v = values();
    for (FormDefinition.Field f : form.fields()) {
      inputs.get(f.key()).setVisible(f.shown(v));
    }
  }

  private void complete(Div formError) {
    Map<String, Object> v = values();
    // only what is shown is submitted, exactly as form-js does
    form.fields().stream().filter(f -> !f.shown(v)).forEach(f -> v.remove(f.key()));
    try {
      showErrors(Map.of());
      boolean continued = queue.complete(task.id(), staff.person().name(), staff.person().groups(), v).caseContinued();
      // the truth about what happened: stored always, moved on only if the engine took it
      Notification.show(getTranslation(continued ? "task.completed" : task.backedByJob() ? "task.completedSaved" : "task.decisionSaved"),
          continued ? 3000 : 8000,
          Notification.Position.BOTTOM_START);
      // straight on to the next task if there is one (no trip back to the queue), else the case file
      Long next = nextTask();
      if (next != null) {
        getUI().ifPresent(ui -> ui.navigate(TaskView.class, next));
      } else {
        getUI().ifPresent(ui -> ui.navigate(CaseView.class, task.caseNumber()));
      }
    } catch (TaskNotAllowed e) {
      refusedAndRefreshed(e);
    } catch (FieldErrors e) {
      // refused by the task store, which checks every completion against the task's form
      showErrors(e.errors());
    }
  }

  private void showErrors(Map<String, String> errors) {
    for (FormDefinition.Field f : form.fields()) {
      String message = errors.get(f.key());
      if (message != null && message.startsWith(f.label() + ": ")) {
        // the field shows its own label: keep only the rule, in the user's language
        String rule = message.substring(f.label().length() + 2);
        message = rule.equals("required") ? getTranslation("form.required") : rule;
      }
      setError(inputs.get(f.key()), message);
    }
  }

  private static void setError(Component c, String message) {
    if (c instanceof RadioButtonGroup<?> g) {
      g.setInvalid(message != null);
      g.setErrorMessage(message);
    } else if (c instanceof TextArea a) {
      a.setInvalid(message != null);
      a.setErrorMessage(message);
    } else if (c instanceof TextField t) {
      t.setInvalid(message != null);
      t.setErrorMessage(message);
    }
  }
}
