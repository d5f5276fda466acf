package org.cardcase.models;

import java.util.Comparator;
import org.cardcase.flow.FormVersions;
import org.cardcase.flow.ModelVersions;
import org.cardcase.flow.ProcessCatalog;
import org.cardcase.flow.ProcessLinks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cardcase.forms.FormDefinition;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The process library: every process with the version the engine runs and the cases open on it,
 * every task form, each downloadable as its file, and the check a model must pass before it could
 * be deployed. Read only: nothing here changes a model.
 */
@Component
public class ModelLibrary {
  private final ProcessCatalog catalog;
  private final ProcessLinks links;
  private final ModelRules rules;
  private final ModelVersions versions;

  private final FormVersions forms;

  public ModelLibrary(ProcessCatalog catalog, ProcessLinks links, ModelRules rules, ModelVersions versions, FormVersions forms) {
    this.forms = forms;
    this.versions = versions;
    this.catalog = catalog;
    this.links = links;
    this.rules = rules;
  }

  /** A process: its id, name, file, the kept version new cases start on (null before the first deployment) and its open cases. */
  public record ProcessModel(String processId, String name, String file, Integer deployedVersion, long openCases) {}

  /** A task form: its key (as a user task names it), file and last kept version. */
  public record FormModel(String formKey, String file, Integer version) {}

  public List<ProcessModel> processes() {
    Map<String, Long> open = links.openCasesPerProcess();
    List<ProcessModel> out = new ArrayList<>();
    catalog.processes().forEach((id, name) -> out.add(new ProcessModel(id, name, catalog.fileOf(id), versions.current(id),
        open.getOrDefault(id, 0L))));
    return out;
  }

  public List<FormModel> forms() {
    List<FormModel> out = new ArrayList<>();
    for (Resource r : formResources()) {
      String file = r.getFilename();
      String key = "cardcase:" + file.substring(0, file.length() - ".form".length());
      out.add(new FormModel(key, file, forms.latest(key).orElse(null)));
    }
    out.sort(Comparator.comparing(FormModel::formKey));
    return out;
  }

  /** The model file of a process, as deployed. */
  public Optional<byte[]> processFile(String processId) {
    return Optional.ofNullable(catalog.modelOf(processId));
  }

  /** The file of a form's last kept version (the shipped file before the first start); empty if there is none. */
  public Optional<byte[]> formFile(String formKey) {
    try {
      Optional<byte[]> kept = forms.latest(formKey).flatMap(v -> forms.file(formKey, v));
      return kept.isPresent() ? kept : FormDefinition.file(formKey);
    } catch (IllegalArgumentException notAFormKey) {
      return Optional.empty();
    }
  }

  /** Every version of every process kept in PostgreSQL, newest first within each process. */
  public List<ModelVersions.Version> versions() {
    return versions.all();
  }

  /** Open cases per process and kept version ("processId/version"). */
  public Map<String, Long> openCasesPerVersion() {
    return links.openCasesPerVersion();
  }

  /** The file of a kept version. */
  public Optional<byte[]> versionFile(String processId, int version) {
    return versions.file(processId, version);
  }

  /** Every problem that would stop this model from being deployed (see {@link ModelRules}). */
  public List<ModelRules.Problem> check(byte[] bpmn) {
    return rules.check(bpmn);
  }

  private static List<Resource> formResources() {
    try {
      return List.of(new PathMatchingResourcePatternResolver().getResources("classpath*:forms/*.form"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
