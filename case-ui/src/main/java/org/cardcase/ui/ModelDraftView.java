package org.cardcase.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.security.RolesAllowed;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.models.ModelDrafts;
import org.cardcase.models.ModelRules;
import org.cardcase.trial.DraftTrials;

/**
 * One draft of a process model: analysts edit it in the modeler (saved a moment after each edit, so
 * a closed or crashed browser loses nothing; a save over someone else's is refused and said), see the
 * server's check on the canvas, and propose it; a second person sees what changed and which waiting
 * cases it touches, maps the elements it drops, and approves (deploys) or turns it down.
 */
@Route(value = "models/draft", layout = MainLayout.class)
@PageTitle("CardCase")
@RolesAllowed({"ANALYST", "ADMIN"})
public class ModelDraftView extends VerticalLayout implements HasUrlParameter<Long> {
  private final ModelDrafts drafts;
  private final Staff staff;
  private final String user;
  private long id;
  private ModelDrafts.Draft draft;
  private BpmnModeler modeler;
  private final Span saveState = new Span();
  private final Span others = new Span();
  private final Map<String, String> mapping = new HashMap<>();

  private final DraftTrials trials;

  public ModelDraftView(ModelDrafts drafts, Staff staff, DraftTrials trials) {
    this.trials = trials;
    this.drafts = drafts;
    this.staff = staff;
    this.user = staff.person().name();
    setWidthFull();
  }

  @Override
  public void setParameter(BeforeEvent event, Long draftId) {
    id = draftId == null ? -1 : draftId;
    render();
  }

  private void render() {
    removeAll();
    mapping.clear();
    try {
      draft = drafts.find(id);
    } catch (ModelDrafts.Refused notFound) {
      add(new H2(getTranslation("draft.notFound")), new Anchor("models", getTranslation("draft.back")));
      return;
    }
    DateTimeFormatter when = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(getLocale())
        .withZone(WorkingDayCalendar.ZONE);
    Span status = new Span(getTranslation("draft.status." + draft.status()));
    status.setId("draft-status");
    status.getElement().getThemeList().add("badge " + switch (draft.status()) {
      case "DEPLOYED" -> "success";
      case "REJECTED" -> "error";
      case "PROPOSED" -> "contrast";
      default -> "";
    });
    saveState.setId("draft-save-state");
    saveState.setText(getTranslation("draft.saved", draft.revision(), draft.savedBy(), when.format(draft.savedAt())));
    others.setId("draft-others");
    others.getElement().getThemeList().add("badge error");
    others.setVisible(false);
    add(new H2(getTranslation(draft.form() ? "draft.formTitle" : "draft.title", draft.id(),
        draft.form() ? formName(draft.processId()) : processName(draft.processId()))),
        new HorizontalLayout(status, new Span(draft.baseVersion() == null ? "" : getTranslation("draft.base", draft.baseVersion())),
            new Span(getTranslation("draft.createdBy", draft.createdBy(), when.format(draft.createdAt()))), saveState, others),
        new Anchor("models", getTranslation("draft.back")));
    if (draft.comment() != null) {
      add(new Paragraph(draft.comment()));
    }
    if (draft.decidedBy() != null) {
      add(new Paragraph(getTranslation("draft.decided", draft.decidedBy(), when.format(draft.decidedAt()),
          draft.decisionNote() == null ? "" : draft.decisionNote())));
    }

    boolean editable = draft.editable();
    String content = new String(drafts.bpmn(id), StandardCharsets.UTF_8);
    if (editable) {
      add(new Paragraph(getTranslation(draft.form() ? "draft.formEditIntro" : "draft.editIntro")));
    }
    ModelDrafts.Review review = drafts.review(id);
    if (draft.form()) {
      modeler = null;
      FormEditor editor = new FormEditor(content, !editable);
      editor.setId("draft-form-editor");
      editor.onChange(e -> save(e.json()));
      add(editor, checks(review), changes(review));
    } else {
      modeler = new BpmnModeler(content, !editable);
      modeler.setId("draft-modeler");
      modeler.onChange(e -> save(e.xml()));
      add(modeler);
      modeler.markProblems(atFault(review));
      add(checks(review), changes(review));
      removed = new VerticalLayout();
      removed.setPadding(false);
      add(removed, waiting(review), trial());
      showChanges(review);
    }
    add(actions(review));
  }

  /** Saves the modeler's model over the revision shown; a save someone else made meanwhile is never overwritten. */
  private void save(String xml) {
    try {
      draft = drafts.save(id, xml.getBytes(StandardCharsets.UTF_8), draft.revision(), user);
      DateTimeFormatter when = DateTimeFormatter.ofLocalizedTime(FormatStyle.MEDIUM).withLocale(getLocale())
          .withZone(WorkingDayCalendar.ZONE);
      saveState.setText(getTranslation("draft.saved", draft.revision(), draft.savedBy(), when.format(draft.savedAt())));
      saveState.getElement().getThemeList().remove("badge");
      // the check runs again on what was saved: the problems show on the canvas and below it
      ModelDrafts.Review review = drafts.review(id);
      if (modeler != null) {
        modeler.markProblems(atFault(review));
      }
      refreshChecks(review);
      refreshChanges(review);
      showChanges(review);
    } catch (ModelDrafts.Conflict c) {
      saveState.setText(getTranslation("draft.conflict", c.current().savedBy(), c.current().revision()));
      saveState.getElement().getThemeList().add("badge error");
      Button reload = new Button(getTranslation("draft.reload"), e -> render());
      reload.setId("draft-reload");
      Notification n = new Notification(new Span(getTranslation("draft.conflict", c.current().savedBy(), c.current().revision())), reload);
      n.addThemeVariants(NotificationVariant.LUMO_ERROR);
      n.setDuration(0);
      n.setPosition(Notification.Position.MIDDLE);
      reload.addClickListener(e -> n.close());
      n.open();
    } catch (ModelDrafts.Refused r) {
      saveState.setText(reason(r));
      saveState.getElement().getThemeList().add("badge error");
    }
  }

  /** The elements the check found at fault (a problem of the whole model has none). */
  private static List<String> atFault(ModelDrafts.Review review) {
    return review.problems().stream().map(ModelRules.Problem::elementId).filter(Objects::nonNull).toList();
  }

  private Grid<ModelRules.Problem> problems;
  private Span verdict;

  private VerticalLayout checks(ModelDrafts.Review review) {
    verdict = new Span();
    verdict.setId("draft-check-verdict");
    problems = new Grid<>();
    problems.setId("draft-problems");
    problems.addColumn(p -> getTranslation("models.rule." + p.rule())).setHeader(getTranslation("models.col.rule")).setAutoWidth(true);
    problems.addColumn(p -> p.elementId() == null ? "—" : p.elementId()).setHeader(getTranslation("models.col.element")).setAutoWidth(true);
    problems.addColumn(p -> getTranslation("models.problem." + p.rule(), p.value() == null ? "" : p.value()))
        .setHeader(getTranslation("models.col.problem")).setFlexGrow(1);
    problems.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT);
    problems.setAllRowsVisible(true);
    refreshChecks(review);
    return new VerticalLayout(new H3(getTranslation("draft.check")), verdict, problems);
  }

  private void refreshChecks(ModelDrafts.Review review) {
    verdict.setText(review.problems().isEmpty() ? getTranslation("draft.check.ok")
        : getTranslation("draft.check.problems", review.problems().size()));
    verdict.getElement().getThemeList().clear();
    verdict.getElement().getThemeList().add(review.problems().isEmpty() ? "badge success" : "badge error");
    problems.setItems(review.problems());
    problems.setVisible(!review.problems().isEmpty());
  }

  private VerticalLayout removed;

  /** Try the draft on recent cases: which would take another path, or get other deadlines, than they did. */
  private VerticalLayout trial() {
    Span summary = new Span();
    summary.setId("draft-trial-summary");
    Grid<DraftTrials.CaseTrial> grid = new Grid<>();
    grid.setId("draft-trial");
    grid.addColumn(DraftTrials.CaseTrial::caseNumber).setHeader(getTranslation("draft.trial.case")).setAutoWidth(true);
    grid.addColumn(c -> c.samePath() ? getTranslation("draft.trial.same") : getTranslation("draft.trial.otherPath"))
        .setHeader(getTranslation("draft.trial.path")).setAutoWidth(true);
    grid.addColumn(c -> String.join(" → ", c.recordedPath())).setHeader(getTranslation("draft.trial.did")).setFlexGrow(1);
    grid.addColumn(c -> String.join(" → ", c.draftPath())).setHeader(getTranslation("draft.trial.would")).setFlexGrow(1);
    grid.addColumn(c -> c.deadlines().stream().map(x -> getTranslation("draft.trial.deadline", x.deadline(), x.workingDays(),
        x.draftWorkingDays())).collect(Collectors.joining("; "))).setHeader(getTranslation("draft.trial.deadlines"))
        .setFlexGrow(1);
    grid.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT);
    grid.setAllRowsVisible(true);
    grid.setVisible(false);
    Button run = new Button(getTranslation("draft.trial.run"), e -> {
      try {
        DraftTrials.Trial t = trials.run(id, user);
        summary.setText(getTranslation("draft.trial.summary", t.cases(), t.differentPath(), t.differentDeadline(),
            t.millis() / 1000.0));
        grid.setItems(t.results());
        grid.setVisible(t.cases() > 0);
      } catch (ModelDrafts.Refused r) {
        summary.setText(reason(r));
      } catch (RuntimeException failed) {
        summary.setText(getTranslation("draft.trial.failed", String.valueOf(failed.getMessage())));
      }
    });
    run.setId("draft-trial-run");
    run.setDisableOnClick(true);
    return new VerticalLayout(new H3(getTranslation("draft.trial")), new Paragraph(getTranslation("draft.trial.intro")), run,
        summary, grid);
  }

  /** The changes on the diagrams: added and changed elements coloured on the draft, removed ones on the current version. */
  private void showChanges(ModelDrafts.Review review) {
    if (modeler == null) {
      return;
    }
    Map<String, List<String>> byKind = new HashMap<>();
    review.changes().forEach(c -> byKind.computeIfAbsent(c.kind(), k -> new ArrayList<>()).add(c.elementId()));
    modeler.markChanges(byKind);
    removed.removeAll();
    List<String> gone = byKind.getOrDefault("REMOVED", List.of());
    if (!gone.isEmpty()) {
      drafts.currentFile(id).ifPresent(current -> {
        BpmnViewer before = new BpmnViewer(current, new HashSet<>(gone));
        before.setId("draft-removed");
        removed.add(new H3(getTranslation("draft.removedOn")), before);
      });
    }
  }

  private Grid<ModelDrafts.Change> changeGrid;
  private Paragraph noChanges;

  private void refreshChanges(ModelDrafts.Review review) {
    changeGrid.setItems(review.changes());
    noChanges.setVisible(review.changes().isEmpty());
    changeGrid.setVisible(!review.changes().isEmpty());
  }

  private VerticalLayout changes(ModelDrafts.Review review) {
    Grid<ModelDrafts.Change> grid = new Grid<>();
    changeGrid = grid;
    grid.setId("draft-changes");
    grid.addColumn(c -> getTranslation("draft.change." + c.kind())).setHeader(getTranslation("draft.col.change")).setAutoWidth(true);
    grid.addColumn(ModelDrafts.Change::elementId).setHeader(getTranslation("models.col.element")).setAutoWidth(true);
    grid.addColumn(c -> c.name() == null ? "" : c.name()).setHeader(getTranslation("draft.col.name")).setFlexGrow(1);
    grid.addColumn(ModelDrafts.Change::type).setHeader(getTranslation("draft.col.type")).setAutoWidth(true);
    grid.setAllRowsVisible(true);
    noChanges = new Paragraph(getTranslation("draft.changes.none"));
    refreshChanges(review);
    return new VerticalLayout(new H3(getTranslation("draft.changes")), noChanges, grid);
  }

  /** The impact: open cases at each element, and for an element the draft drops, where they are to go. */
  private VerticalLayout waiting(ModelDrafts.Review review) {
    List<String> targets = drafts.elementsOf(id);
    Grid<ModelDrafts.Waiting> grid = new Grid<>();
    grid.setId("draft-impact");
    grid.addColumn(w -> w.name() == null ? w.elementId() : w.name()).setHeader(getTranslation("draft.col.waitingAt")).setFlexGrow(1);
    grid.addColumn(ModelDrafts.Waiting::elementId).setHeader(getTranslation("models.col.element")).setAutoWidth(true);
    grid.addColumn(ModelDrafts.Waiting::cases).setHeader(getTranslation("models.col.open")).setAutoWidth(true);
    grid.addComponentColumn(w -> {
      if (w.kept()) {
        return new Span(getTranslation("draft.impact.stays"));
      }
      ComboBox<String> to = new ComboBox<>();
      to.setItems(targets);
      to.setPlaceholder(getTranslation("draft.impact.mapTo"));
      to.setId("draft-map-" + w.elementId());
      to.setEnabled("PROPOSED".equals(draft.status()));
      to.addValueChangeListener(e -> {
        if (e.getValue() == null) {
          mapping.remove(w.elementId());
        } else {
          mapping.put(w.elementId(), e.getValue());
        }
      });
      return to;
    }).setHeader(getTranslation("draft.col.then")).setAutoWidth(true);
    grid.setItems(review.waiting());
    grid.setAllRowsVisible(true);
    long dropped = review.waiting().stream().filter(w -> !w.kept()).mapToLong(ModelDrafts.Waiting::cases).sum();
    Paragraph intro = new Paragraph(dropped == 0 ? getTranslation("draft.impact.intro")
        : getTranslation("draft.impact.dropped", dropped));
    intro.setId("draft-impact-intro");
    return new VerticalLayout(new H3(getTranslation("draft.impact")), intro, grid);
  }

  private HorizontalLayout actions(ModelDrafts.Review review) {
    TextField note = new TextField(getTranslation("draft.note"));
    note.setId("draft-note");
    note.setWidth("28em");
    HorizontalLayout bar = new HorizontalLayout(note);
    bar.setAlignItems(Alignment.BASELINE);
    boolean own = drafts.contributedBy(id, user);
    if (draft.editable()) {
      Button propose = new Button(getTranslation("draft.propose"), e -> act(() -> drafts.propose(id, user, note.getValue()),
          "draft.proposed"));
      propose.setId("draft-propose");
      propose.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
      propose.setEnabled(review.problems().isEmpty());
      bar.add(propose);
    } else if ("PROPOSED".equals(draft.status())) {
      if (own) {
        Button withdraw = new Button(getTranslation("draft.withdraw"), e -> act(() -> drafts.reject(id, user, note.getValue()),
            "draft.withdrawn"));
        withdraw.setId("draft-withdraw");
        bar.add(withdraw, new Span(getTranslation("draft.needsSecond")));
      } else {
        Button approve = new Button(getTranslation("draft.approve"), e -> act(() -> drafts.approve(id, user, note.getValue(),
            Map.copyOf(mapping)), "draft.deployed"));
        approve.setId("draft-approve");
        approve.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_SUCCESS);
        Button reject = new Button(getTranslation("draft.reject"), e -> act(() -> drafts.reject(id, user, note.getValue()),
            "draft.rejected"));
        reject.setId("draft-reject");
        reject.addThemeVariants(ButtonVariant.LUMO_ERROR);
        bar.add(approve, reject);
      }
    }
    return bar;
  }

  private void act(Supplier<ModelDrafts.Draft> action, String done) {
    try {
      ModelDrafts.Draft d = action.get();
      Notification.show(getTranslation(done, d.deployedVersion() == null ? "" : d.deployedVersion()), 5000,
          Notification.Position.BOTTOM_START).addThemeVariants(NotificationVariant.LUMO_SUCCESS);
      render();
    } catch (ModelDrafts.Refused r) {
      Notification n = Notification.show(reason(r), 8000, Notification.Position.MIDDLE);
      n.addThemeVariants(NotificationVariant.LUMO_ERROR);
    }
  }

  private String reason(ModelDrafts.Refused r) {
    return getTranslation("draft.refused." + r.reason(), r.detail() == null ? "" : r.detail());
  }

  private String formName(String formKey) {
    String key = "models.form." + formKey.substring(formKey.indexOf(':') + 1);
    String t = getTranslation(key);
    return t == null || t.contains(key) ? formKey : t;
  }

  private String processName(String processId) {
    String t = getTranslation("process." + processId);
    return t == null || t.contains("process." + processId) ? processId : t;
  }

  // ---- who else has the draft open -----------------------------------------------------------------

  private Registration polling;

  @Override
  protected void onAttach(AttachEvent e) {
    e.getUI().setPollInterval(10_000);
    polling = e.getUI().addPollListener(p -> heartbeat());
    heartbeat();
  }

  @Override
  protected void onDetach(DetachEvent e) {
    e.getUI().setPollInterval(-1);
    if (polling != null) {
      polling.remove();
    }
    if (draft != null) {
      drafts.left(id, user);
    }
  }

  private void heartbeat() {
    if (draft == null || !draft.editable()) {
      return;
    }
    List<String> editing = drafts.editing(id, user);
    others.setText(editing.isEmpty() ? "" : getTranslation("draft.others", String.join(", ", editing)));
    others.setVisible(!editing.isEmpty());
  }
}
