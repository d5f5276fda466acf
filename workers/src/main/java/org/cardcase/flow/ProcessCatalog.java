package org.cardcase.flow;

import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import io.camunda.zeebe.model.bpmn.instance.CallActivity;
import io.camunda.zeebe.model.bpmn.instance.FlowElement;
import io.camunda.zeebe.model.bpmn.instance.Process;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeCalledElement;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeProperties;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskSchedule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import io.camunda.zeebe.model.bpmn.instance.BoundaryEvent;
import io.camunda.zeebe.model.bpmn.instance.TimerEventDefinition;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The current version of every process model (at first the ones shipped under {@code classpath*:bpmn/};
 * {@link ModelVersions} swaps in the versions kept in PostgreSQL): the source of step names, timers and deadlines.
 */
@Component
public class ProcessCatalog {
  /** What the models say, read once per set of models and swapped whole when a new version is deployed. */
  private static final class Models {
    final Map<String, byte[]> resources = new LinkedHashMap<>();
    final Map<String, String> elementNames = new HashMap<>();
    /** processId -> resource file name. */
    final Map<String, String> files = new HashMap<>();
    /** processId/elementId -> the variables its boundary timers read (e.g. productionDueAt). */
    final Map<String, Set<String>> timerVariables = new HashMap<>();
    /** parentProcessId/calledProcessId -> the call activity's id in the parent. */
    final Map<String, String> callActivities = new HashMap<>();
    /** deadline variable (e.g. productionDueAt) -> working days, as the model that reads it says. */
    final Map<String, Integer> deadlineDays = new HashMap<>();
    /** Every variable a timer or a task's due date reads. */
    final Set<String> deadlineVariables = new HashSet<>();
  }

  private volatile Models m = new Models();
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  @Autowired
  public ProcessCatalog() {
    this(shipped());
  }

  /** A catalog of these models (file name to BPMN) alone, not connected to an engine: to read what they say. */
  public static ProcessCatalog on(Map<String, byte[]> models) {
    return new ProcessCatalog(models);
  }

  ProcessCatalog(Map<String, byte[]> models) {
    use(models);
  }

  /**
   * Makes these models (file name to BPMN) the current ones: what new cases start on, and where
   * step names and deadlines are read. Files not given keep their current model.
   */
  public synchronized void use(Map<String, byte[]> models) {
    Map<String, byte[]> all = new LinkedHashMap<>(m.resources);
    all.putAll(models);
    Models next = new Models();
    all.forEach((file, bytes) -> read(next, file, bytes));
    m = next;
  }

  /** The models shipped with the application, under {@code classpath*:bpmn/}. */
  static Map<String, byte[]> shipped() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try {
      for (Resource r : new PathMatchingResourcePatternResolver().getResources("classpath*:bpmn/*.bpmn")) {
        try (InputStream in = r.getInputStream()) {
          out.put(r.getFilename(), in.readAllBytes());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The property an element carries its deadline in, in working days (the settings are the defaults). */
  public static final String WORKING_DAYS = "cardcase:workingDays";
  private static void read(Models m, String fileName, byte[] bytes) {
    m.resources.put(fileName, bytes);
    BpmnModelInstance model = Bpmn.readModelFromStream(new ByteArrayInputStream(bytes));
    for (Process p : model.getModelElementsByType(Process.class)) {
      m.elementNames.put(p.getId() + "/" + p.getId(), p.getName());
      m.files.put(p.getId(), fileName);
      for (FlowElement e : p.getFlowElements()) {
        m.elementNames.put(p.getId() + "/" + e.getId(), e.getName());
        if (e instanceof CallActivity ca) {
          var called = ca.getSingleExtensionElement(ZeebeCalledElement.class);
          if (called != null) {
            m.callActivities.put(p.getId() + "/" + called.getProcessId(), ca.getId());
          }
        }
        if (e instanceof BoundaryEvent b) {
          for (TimerEventDefinition t : b.getChildElementsByType(TimerEventDefinition.class)) {
            String expr = t.getTimeDate() != null ? t.getTimeDate().getTextContent() : "";
            Matcher names = NAME.matcher(expr);
            while (names.find()) {
              m.timerVariables.computeIfAbsent(p.getId() + "/" + b.getAttachedTo().getId(), k -> new HashSet<>()).add(names.group());
            }
          }
        }
        deadlineOf(e).ifPresent(variable -> workingDaysProperty(e).ifPresent(days -> m.deadlineDays.put(variable, days)));
        deadlineOf(e).ifPresent(m.deadlineVariables::add);
      }
    }
  }

  /** The deadline variable an element reads: its timer's date, or its user task's due date. */
  public static Optional<String> deadlineOf(FlowElement e) {
    String expr = null;
    if (e instanceof BoundaryEvent b) {
      for (TimerEventDefinition t : b.getChildElementsByType(TimerEventDefinition.class)) {
        expr = t.getTimeDate() != null ? t.getTimeDate().getTextContent() : null;
      }
    }
    var schedule = e.getSingleExtensionElement(ZeebeTaskSchedule.class);
    if (schedule != null) {
      expr = schedule.getDueDate();
    }
    if (expr == null) {
      return Optional.empty();
    }
    Matcher m = NAME.matcher(expr);
    return m.find() ? Optional.of(m.group()) : Optional.empty();
  }

  /** The element's {@link #WORKING_DAYS} property, if it has a valid one. */
  public static Optional<Integer> workingDaysProperty(FlowElement e) {
    var props = e.getSingleExtensionElement(ZeebeProperties.class);
    if (props == null) {
      return Optional.empty();
    }
    for (var prop : props.getProperties()) {
      if (WORKING_DAYS.equals(prop.getName())) {
        try {
          int days = Integer.parseInt(prop.getValue().strip());
          return days >= 1 && days <= 365 ? Optional.of(days) : Optional.empty();
        } catch (RuntimeException notANumber) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Working days of a deadline as the model says (the property on the element that reads it), or
   * empty: then the setting in application.properties applies.
   */
  public OptionalInt workingDaysOf(String deadlineVariable) {
    Integer days = m.deadlineDays.get(deadlineVariable);
    return days == null ? OptionalInt.empty() : OptionalInt.of(days);
  }

  /** Every variable the models' timers and due dates read: the case's deadlines (e.g. productionDueAt). */
  public Set<String> deadlineVariables() {
    return Set.copyOf(m.deadlineVariables);
  }

  /** Every process id with its model's name, in file order. */
  public Map<String, String> processes() {
    Map<String, String> out = new LinkedHashMap<>();
    m.resources.keySet().forEach(file -> m.files.forEach((id, f) -> {
      if (f.equals(file)) {
        out.put(id, m.elementNames.getOrDefault(id + "/" + id, id));
      }
    }));
    return out;
  }

  /** The model file a process is defined in. */
  public String fileOf(String processId) {
    return m.files.get(processId);
  }

  /**
   * The element's name from the model (e.g. "Compare photos"), or the id if it has none. An element
   * of a called process is found too (a case's step may be inside its verification).
   */
  public String stepName(String bpmnProcessId, String elementId) {
    String id = elementId.contains("/") ? elementId.substring(elementId.indexOf('/') + 1) : elementId;
    String name = m.elementNames.get(bpmnProcessId + "/" + id);
    if (name == null) {
      name = m.elementNames.entrySet().stream().filter(e -> e.getKey().endsWith("/" + id)).map(Map.Entry::getValue)
          .findFirst().orElse(null);
    }
    return name == null || name.isBlank() ? id : name;
  }

  /**
   * How a case's process records a wait state: the element id if it is in the case's own
   * process, or {@code callActivity/element} if it is inside a process the case's process calls,
   * so that a resume can start before that call activity.
   */
  public String waitId(String caseProcessId, String jobProcessId, String elementId) {
    if (caseProcessId.equals(jobProcessId)) {
      return elementId;
    }
    String ca = m.callActivities.get(caseProcessId + "/" + jobProcessId);
    if (ca == null) {
      throw new IllegalStateException(caseProcessId + " does not call " + jobProcessId);
    }
    return ca + "/" + elementId;
  }

  /** The element itself, without the call activity in front of it. */
  public static String innerElement(String waitId) {
    return waitId.contains("/") ? waitId.substring(waitId.indexOf('/') + 1) : waitId;
  }

  /** The element of the case's own process to resume before (the call activity for a wait inside it). */
  public static String resumeElement(String waitId) {
    return waitId.contains("/") ? waitId.substring(0, waitId.indexOf('/')) : waitId;
  }

  /** The variables read by the timers attached to this element: a change to one needs the timer re-armed. */
  /** Whether the process's own model has this element (not one of a process it calls). */
  public boolean has(String processId, String elementId) {
    return m.elementNames.containsKey(processId + "/" + elementId);
  }

  /**
   * Where a step shows on a process's diagram: the step itself if the process has it, or the call
   * activity that calls the process that has it (a case in its verification shows on "Real-name
   * verification"); null if the diagram has neither.
   */
  public String shownIn(String processId, String step) {
    if (has(processId, step)) {
      return step;
    }
    for (Map.Entry<String, String> call : m.callActivities.entrySet()) {
      String[] parentAndCalled = call.getKey().split("/", 2);
      if (parentAndCalled[0].equals(processId) && has(parentAndCalled[1], step)) {
        return call.getValue();
      }
    }
    return null;
  }

  /** The ids of the processes in the catalog, in alphabetical order. */
  public List<String> processIds() {
    return List.copyOf(new TreeSet<>(m.files.keySet()));
  }

  /** The deadline variables the boundary timers of this step read, in whichever process it is (ids are unique across models). */
  public Set<String> timerVariablesOfStep(String elementId) {
    Set<String> out = new HashSet<>();
    m.timerVariables.forEach((key, vars) -> {
      if (key.endsWith("/" + elementId)) {
        out.addAll(vars);
      }
    });
    return out;
  }

  public Set<String> timerVariables(String bpmnProcessId, String elementId) {
    return m.timerVariables.getOrDefault(bpmnProcessId + "/" + elementId, Set.of());
  }

  /** The BPMN XML of a process, for the diagram on the case file. */
  public byte[] modelOf(String processId) {
    String file = m.files.get(processId);
    return file == null ? null : m.resources.get(file);
  }

  public byte[] model(String fileName) {
    return m.resources.get(fileName);
  }
}
