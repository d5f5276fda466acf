package org.cardcase.ui;

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
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.component.upload.UploadI18N;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.StreamResource;
import jakarta.annotation.security.RolesAllowed;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Map;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.flow.ModelVersions;
import org.cardcase.models.ModelDrafts;
import org.cardcase.models.ModelLibrary;
import org.cardcase.models.ModelRules;

/**
 * The process library: each process with the version the engine runs and its open cases, each
 * task form, downloadable as files (to open in Camunda Desktop Modeler); analysts and
 * administrators check a model file before proposing it. Clerks and supervisors read.
 */
@Route(value = "models", layout = MainLayout.class)
@PageTitle("CardCase")
@RolesAllowed({"ANALYST", "ADMIN", "SUPERVISOR", "CLERK"})
public class ModelsView extends VerticalLayout {
  static final int MAX_BYTES = 2 * 1024 * 1024;

  public ModelsView(ModelLibrary library, Staff staff, ModelDrafts drafts) {
    setWidthFull();
    Grid<ModelLibrary.ProcessModel> processes = new Grid<>();
    processes.setId("models-processes");
    processes.addColumn(p -> label("process." + p.processId(), p.name())).setHeader(getTranslation("models.col.process"))
        .setAutoWidth(true).setFlexGrow(1);
    processes.addColumn(ModelLibrary.ProcessModel::processId).setHeader(getTranslation("models.col.id")).setAutoWidth(true);
    processes.addColumn(p -> p.deployedVersion() == null ? "—" : "v" + p.deployedVersion())
        .setHeader(getTranslation("models.col.version")).setAutoWidth(true);
    processes.addColumn(ModelLibrary.ProcessModel::openCases).setHeader(getTranslation("models.col.open")).setAutoWidth(true);
    processes.addComponentColumn(p -> download(p.file(), library.processFile(p.processId()).orElse(new byte[0])))
        .setHeader(getTranslation("models.col.file")).setAutoWidth(true);
    processes.setItems(library.processes());
    processes.setAllRowsVisible(true);

    Grid<ModelLibrary.FormModel> forms = new Grid<>();
    forms.setId("models-forms");
    forms.addColumn(f -> label("models.form." + f.formKey().substring("cardcase:".length()), f.formKey()))
        .setHeader(getTranslation("models.col.form")).setAutoWidth(true).setFlexGrow(1);
    forms.addColumn(ModelLibrary.FormModel::formKey).setHeader(getTranslation("models.col.formKey")).setAutoWidth(true);
    forms.addColumn(f -> f.version() == null ? "—" : "v" + f.version()).setHeader(getTranslation("models.col.formVersion"))
        .setAutoWidth(true);
    forms.addComponentColumn(f -> download(f.file(), library.formFile(f.formKey()).orElse(new byte[0])))
        .setHeader(getTranslation("models.col.file")).setAutoWidth(true);
    if (staff.has("ANALYST") || staff.has("ADMIN")) {
      forms.addComponentColumn(f -> {
        Button edit = new Button(
            getTranslation("models.forms.newDraft"), e -> {
              var d = drafts.createForm(f.formKey(), staff.person().name(), null);
              getUI().ifPresent(ui -> ui.navigate("models/draft/" + d.id()));
            });
        edit.setId("models-form-draft-" + f.formKey().substring("cardcase:".length()));
        edit.addThemeVariants(ButtonVariant.LUMO_SMALL);
        return edit;
      }).setAutoWidth(true);
    }
    forms.setItems(library.forms());
    forms.setAllRowsVisible(true);

    Grid<ModelVersions.Version> versions = new Grid<>();
    versions.setId("models-versions");
    DateTimeFormatter when = DateTimeFormatter
        .ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(getLocale())
        .withZone(WorkingDayCalendar.ZONE);
    versions.addColumn(v -> label("process." + v.processId(), v.processId())).setHeader(getTranslation("models.col.process"))
        .setAutoWidth(true).setFlexGrow(1);
    versions.addColumn(v -> "v" + v.version()).setHeader(getTranslation("models.col.kept")).setAutoWidth(true);
    versions.addColumn(v -> when.format(v.recordedAt())).setHeader(getTranslation("models.col.recorded")).setAutoWidth(true);
    versions.addColumn(v -> label("models.source." + v.source(), v.source())).setHeader(getTranslation("models.col.source"))
        .setAutoWidth(true);
    versions.addColumn(v -> v.author() == null ? "—" : v.author() + (v.approvedBy() == null ? "" : " / " + v.approvedBy()))
        .setHeader(getTranslation("models.col.people")).setAutoWidth(true);
    versions.addColumn(v -> v.comment() == null ? "" : v.comment()).setHeader(getTranslation("models.col.comment")).setFlexGrow(1);
    Map<String, Long> openPerVersion = library.openCasesPerVersion();
    versions.addColumn(v -> openPerVersion.getOrDefault(v.processId() + "/" + v.version(), 0L))
        .setHeader(getTranslation("models.col.open")).setAutoWidth(true);
    versions.addColumn(v -> v.sha256().substring(0, 12)).setHeader("SHA-256").setAutoWidth(true);
    versions.addComponentColumn(v -> download(v.fileName().replace(".bpmn", "-v" + v.version() + ".bpmn"),
        library.versionFile(v.processId(), v.version()).orElse(new byte[0]))).setHeader(getTranslation("models.col.file"))
        .setAutoWidth(true);
    versions.setItems(library.versions());
    versions.setAllRowsVisible(true);

    add(new H2(getTranslation("models.title")), new Paragraph(getTranslation("models.intro")),
        new H3(getTranslation("models.processes")), processes);
    boolean editor = staff.has("ANALYST") || staff.has("ADMIN");
    if (editor) {
      add(draftList(library, drafts, staff, when));
    }
    add(new H3(getTranslation("models.forms")), forms,
        new H3(getTranslation("models.versions")), new Paragraph(getTranslation("models.versions.intro")), versions);
    if (editor) {
      add(checker(library));
    }
  }

  /** Drafts being edited or awaiting approval, and the last decided; a new one from a process or a file. */
  private VerticalLayout draftList(ModelLibrary library, ModelDrafts drafts, Staff staff,
      DateTimeFormatter when) {
    String user = staff.person().name();
    Grid<ModelDrafts.Draft> grid = new Grid<>();
    grid.setId("models-drafts");
    grid.addComponentColumn(d -> new Anchor("models/draft/" + d.id(), "#" + d.id())).setHeader("#").setAutoWidth(true);
    grid.addColumn(d -> d.form() ? label("models.form." + d.processId().substring(d.processId().indexOf(':') + 1), d.processId())
        : label("process." + d.processId(), d.processId())).setHeader(getTranslation("models.col.drafted"))
        .setAutoWidth(true);
    grid.addColumn(d -> getTranslation("draft.status." + d.status())).setHeader(getTranslation("models.col.status")).setAutoWidth(true);
    grid.addColumn(d -> d.baseVersion() == null ? "—" : "v" + d.baseVersion()).setHeader(getTranslation("models.col.base"))
        .setAutoWidth(true);
    grid.addColumn(d -> d.deployedVersion() == null ? "" : "v" + d.deployedVersion()).setHeader(getTranslation("models.col.deployedAs"))
        .setAutoWidth(true);
    grid.addColumn(d -> d.savedBy() + " · " + when.format(d.savedAt())).setHeader(getTranslation("models.col.saved")).setAutoWidth(true);
    grid.addColumn(d -> d.comment() == null ? "" : d.comment()).setHeader(getTranslation("models.col.comment")).setFlexGrow(1);
    List<ModelDrafts.Draft> recent = drafts.recent(50);
    grid.setItems(recent);
    grid.setAllRowsVisible(true);
    Paragraph none = new Paragraph(getTranslation("models.drafts.none"));
    none.setVisible(recent.isEmpty());
    grid.setVisible(!recent.isEmpty());

    ComboBox<ModelLibrary.ProcessModel> process = new ComboBox<>(
        getTranslation("models.col.process"));
    process.setId("models-draft-process");
    process.setItems(library.processes());
    process.setItemLabelGenerator(p -> label("process." + p.processId(), p.name()) + " (v" + p.deployedVersion() + ")");
    TextField comment = new TextField(
        getTranslation("models.col.comment"));
    comment.setId("models-draft-comment");
    comment.setWidth("24em");
    Button create = new Button(getTranslation("models.drafts.new"),
        e -> {
          if (process.getValue() == null) {
            process.setInvalid(true);
            process.setErrorMessage(getTranslation("models.drafts.pickProcess"));
            return;
          }
          var d = drafts.create(process.getValue().processId(), user, comment.getValue().isBlank() ? null : comment.getValue().strip());
          getUI().ifPresent(ui -> ui.navigate("models/draft/" + d.id()));
        });
    create.setId("models-draft-new");
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    HorizontalLayout make = new HorizontalLayout(
        process, comment, create);
    make.setAlignItems(Alignment.BASELINE);

    BoundedUploadBuffer buffer = new BoundedUploadBuffer(MAX_BYTES);
    Upload upload = upload(buffer, "models-draft-upload", "models.drafts.upload", ".bpmn", ".xml", ".form", ".json");
    Span refused = new Span();
    refused.setId("models-draft-upload-refused");
    upload.addSucceededListener(e -> {
      try (InputStream in = buffer.getInputStream()) {
        var d = drafts.upload(in.readAllBytes(), user, e.getFileName());
        getUI().ifPresent(ui -> ui.navigate("models/draft/" + d.id()));
      } catch (ModelDrafts.Refused r) {
        refused.setText(getTranslation("draft.refused." + r.reason(), r.detail() == null ? "" : r.detail()));
        refused.getElement().getThemeList().add("badge error");
      } catch (IOException ex) {
        refused.setText(getTranslation("models.check.unreadable"));
      }
    });
    return new VerticalLayout(new H3(getTranslation("models.drafts")), new Paragraph(getTranslation("models.drafts.intro")), none,
        grid, make, upload, refused);
  }

  /** Upload a .bpmn file: the problems that would stop it from being deployed, each at its element. */
  private VerticalLayout checker(ModelLibrary library) {
    BoundedUploadBuffer buffer = new BoundedUploadBuffer(MAX_BYTES);
    Upload upload = upload(buffer, "models-check-upload", "models.upload.add", ".bpmn", ".xml");
    Span verdict = new Span();
    verdict.setId("models-check-verdict");
    Grid<ModelRules.Problem> problems = new Grid<>();
    problems.setId("models-check-problems");
    problems.addColumn(p -> getTranslation("models.rule." + p.rule())).setHeader(getTranslation("models.col.rule")).setAutoWidth(true);
    problems.addColumn(p -> p.elementId() == null ? "—" : p.elementId()).setHeader(getTranslation("models.col.element"))
        .setAutoWidth(true);
    // the rule's own words in the reader's language, with the value at fault; the engine's validation speaks English
    problems.addColumn(p -> getTranslation("models.problem." + p.rule(), p.value() == null ? "" : p.value()))
        .setHeader(getTranslation("models.col.problem")).setFlexGrow(1);
    problems.setAllRowsVisible(true);
    problems.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT);
    problems.setVisible(false);
    upload.addSucceededListener(e -> {
      byte[] bytes;
      try (InputStream in = buffer.getInputStream()) {
        bytes = in.readAllBytes();
      } catch (IOException ex) {
        verdict.setText(getTranslation("models.check.unreadable"));
        return;
      }
      List<ModelRules.Problem> found = library.check(bytes);
      verdict.setText(found.isEmpty() ? getTranslation("models.check.ok", e.getFileName())
          : getTranslation("models.check.problems", e.getFileName(), found.size()));
      verdict.getElement().getThemeList().clear();
      verdict.getElement().getThemeList().add(found.isEmpty() ? "badge success" : "badge error");
      problems.setItems(found);
      problems.setVisible(!found.isEmpty());
    });
    upload.addFileRejectedListener(e -> verdict.setText(getTranslation("models.check.rejected", MAX_BYTES / 1024)));
    return new VerticalLayout(new H3(getTranslation("models.check")), new Paragraph(getTranslation("models.check.intro")), upload,
        verdict, problems);
  }

  /** A file upload of at most MAX_BYTES of these types, labelled in the reader's language. */
  private Upload upload(BoundedUploadBuffer buffer, String id, String addKey, String... types) {
    Upload upload = new Upload(buffer);
    upload.setId(id);
    upload.setAcceptedFileTypes(types);
    upload.setMaxFileSize(MAX_BYTES);
    UploadI18N i18n = new UploadI18N();
    i18n.setAddFiles(new UploadI18N.AddFiles().setOne(getTranslation(addKey)));
    i18n.setDropFiles(new UploadI18N.DropFiles().setOne(getTranslation("models.upload.drop")));
    upload.setI18n(i18n);
    return upload;
  }

  private Anchor download(String file, byte[] bytes) {
    Anchor a = new Anchor(new StreamResource(file, () -> new ByteArrayInputStream(bytes)), file);
    a.getElement().setAttribute("download", true);
    return a;
  }

  /** The translation of a key, or the fallback when there is none. */
  private String label(String key, String fallback) {
    String t = getTranslation(key);
    return t == null || t.contains(key) ? fallback : t;
  }
}
