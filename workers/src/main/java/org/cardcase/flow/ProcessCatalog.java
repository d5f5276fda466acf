package org.cardcase.flow;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.DeployResourceCommandStep1;
import io.camunda.client.api.response.DeploymentEvent;
import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import io.camunda.zeebe.model.bpmn.instance.FlowElement;
import io.camunda.zeebe.model.bpmn.instance.Process;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import io.camunda.zeebe.model.bpmn.instance.BoundaryEvent;
import io.camunda.zeebe.model.bpmn.instance.TimerEventDefinition;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/** Every BPMN model under {@code classpath*:bpmn/}: deployed at start, and the source of step names. */
@Component
public class ProcessCatalog {
  private static final Logger log = LoggerFactory.getLogger(ProcessCatalog.class);
  private final CamundaClient client;
  private final Map<String, byte[]> resources = new LinkedHashMap<>();
  private final Map<String, String> elementNames = new HashMap<>();
  /** processId -> resource file name. */
  private final Map<String, String> files = new HashMap<>();
  /** processId/elementId -> the variables its boundary timers read (e.g. productionDueAt). */
  private final Map<String, Set<String>> timerVariables = new HashMap<>();
  /** parentProcessId/calledProcessId -> the call activity's id in the parent. */
  private final Map<String, String> callActivities = new HashMap<>();
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  @org.springframework.beans.factory.annotation.Autowired
  public ProcessCatalog(CamundaClient client) {
    this(client, shipped());
  }

  /** A catalog of these models (file name to BPMN) alone, not connected to an engine: to read what they say. */
  public static ProcessCatalog on(Map<String, byte[]> models) {
    return new ProcessCatalog(null, models);
  }

  ProcessCatalog(CamundaClient client, Map<String, byte[]> models) {
    this.client = client;
    models.forEach(this::read);
  }

  /** The models shipped with the application, under {@code classpath*:bpmn/}. */
  private static Map<String, byte[]> shipped() {
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
  /** deadline variable (e.g. productionDueAt) -> working days, as the model that reads it says. */
  private final Map<String, Integer> deadlineDays = new HashMap<>();

  private void read(String fileName, byte[] bytes) {
    resources.put(fileName, bytes);
    BpmnModelInstance model = Bpmn.readModelFromStream(new java.io.ByteArrayInputStream(bytes));
    for (Process p : model.getModelElementsByType(Process.class)) {
      elementNames.put(p.getId() + "/" + p.getId(), p.getName());
      files.put(p.getId(), fileName);
      for (FlowElement e : p.getFlowElements()) {
        elementNames.put(p.getId() + "/" + e.getId(), e.getName());
        if (e instanceof io.camunda.zeebe.model.bpmn.instance.CallActivity ca) {
          var called = ca.getSingleExtensionElement(io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeCalledElement.class);
          if (called != null) {
            callActivities.put(p.getId() + "/" + called.getProcessId(), ca.getId());
          }
        }
        if (e instanceof BoundaryEvent b) {
          for (TimerEventDefinition t : b.getChildElementsByType(TimerEventDefinition.class)) {
            String expr = t.getTimeDate() != null ? t.getTimeDate().getTextContent() : "";
            Matcher m = NAME.matcher(expr);
            while (m.find()) {
              timerVariables.computeIfAbsent(p.getId() + "/" + b.getAttachedTo().getId(), k -> new HashSet<>()).add(m.group());
            }
          }
        }
        deadlineOf(e).ifPresent(variable -> workingDaysProperty(e).ifPresent(days -> deadlineDays.put(variable, days)));
      }
    }
  }

  /** The deadline variable an element reads: its timer's date, or its user task's due date. */
  static java.util.Optional<String> deadlineOf(FlowElement e) {
    String expr = null;
    if (e instanceof BoundaryEvent b) {
      for (TimerEventDefinition t : b.getChildElementsByType(TimerEventDefinition.class)) {
        expr = t.getTimeDate() != null ? t.getTimeDate().getTextContent() : null;
      }
    }
    var schedule = e.getSingleExtensionElement(io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskSchedule.class);
    if (schedule != null) {
      expr = schedule.getDueDate();
    }
    if (expr == null) {
      return java.util.Optional.empty();
    }
    Matcher m = NAME.matcher(expr);
    return m.find() ? java.util.Optional.of(m.group()) : java.util.Optional.empty();
  }

  /** The element's {@link #WORKING_DAYS} property, if it has a valid one. */
  static java.util.Optional<Integer> workingDaysProperty(FlowElement e) {
    var props = e.getSingleExtensionElement(io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeProperties.class);
    if (props == null) {
      return java.util.Optional.empty();
    }
    for (var prop : props.getProperties()) {
      if (WORKING_DAYS.equals(prop.getName())) {
        try {
          int days = Integer.parseInt(prop.getValue().strip());
          return days >= 1 && days <= 365 ? java.util.Optional.of(days) : java.util.Optional.empty();
        } catch (RuntimeException notANumber) {
          return java.util.Optional.empty();
        }
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * Working days of a deadline as the model says (the property on the element that reads it), or
   * empty: then the setting in application.properties applies.
   */
  public java.util.OptionalInt workingDaysOf(String deadlineVariable) {
    Integer days = deadlineDays.get(deadlineVariable);
    return days == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(days);
  }

  /** Deploys all models; the engine keeps the version if a model is unchanged. */
  public DeploymentEvent deployAll() {
    DeployResourceCommandStep1 cmd = client.newDeployResourceCommand();
    DeployResourceCommandStep1.DeployResourceCommandStep2 step = null;
    for (var e : resources.entrySet()) {
      step = step == null ? cmd.addResourceBytes(e.getValue(), e.getKey()) : step.addResourceBytes(e.getValue(), e.getKey());
    }
    if (step == null) {
      throw new IllegalStateException("no BPMN models on the classpath under bpmn/");
    }
    DeploymentEvent d = step.send().join();
    d.getProcesses().forEach(p -> log.info("deployed {} version {}", p.getBpmnProcessId(), p.getVersion()));
    Map<String, Integer> versions = new HashMap<>();
    d.getProcesses().forEach(p -> versions.put(p.getBpmnProcessId(), p.getVersion()));
    deployedVersions = Map.copyOf(versions);
    return d;
  }

  private volatile Map<String, Integer> deployedVersions = Map.of();

  /** The engine's version of each process, as of the last deployment (the running engine generation's). */
  public Map<String, Integer> deployedVersions() {
    return deployedVersions;
  }

  /** Every process id with its model's name, in file order. */
  public Map<String, String> processes() {
    Map<String, String> out = new LinkedHashMap<>();
    resources.keySet().forEach(file -> files.forEach((id, f) -> {
      if (f.equals(file)) {
        out.put(id, elementNames.getOrDefault(id + "/" + id, id));
      }
    }));
    return out;
  }

  /** The model file a process is defined in. */
  public String fileOf(String processId) {
    return files.get(processId);
  }

  /**
   * The element's name from the model (e.g. "Compare photos"), or the id if it has none. An element
   * of a called process is found too (a case's step may be inside its verification).
   */
  public String stepName(String bpmnProcessId, String elementId) {
    String id = elementId.contains("/") ? elementId.substring(elementId.indexOf('/') + 1) : elementId;
    String name = elementNames.get(bpmnProcessId + "/" + id);
    if (name == null) {
      name = elementNames.entrySet().stream().filter(e -> e.getKey().endsWith("/" + id)).map(Map.Entry::getValue)
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
    String ca = callActivities.get(caseProcessId + "/" + jobProcessId);
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
    return elementNames.containsKey(processId + "/" + elementId);
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
    for (Map.Entry<String, String> call : callActivities.entrySet()) {
      String[] parentAndCalled = call.getKey().split("/", 2);
      if (parentAndCalled[0].equals(processId) && has(parentAndCalled[1], step)) {
        return call.getValue();
      }
    }
    return null;
  }

  /** The ids of the processes in the catalog, in alphabetical order. */
  public java.util.List<String> processIds() {
    return java.util.List.copyOf(new java.util.TreeSet<>(files.keySet()));
  }

  /** The deadline variables the boundary timers of this step read, in whichever process it is (ids are unique across models). */
  public Set<String> timerVariablesOfStep(String elementId) {
    Set<String> out = new HashSet<>();
    timerVariables.forEach((key, vars) -> {
      if (key.endsWith("/" + elementId)) {
        out.addAll(vars);
      }
    });
    return out;
  }

  public Set<String> timerVariables(String bpmnProcessId, String elementId) {
    return timerVariables.getOrDefault(bpmnProcessId + "/" + elementId, Set.of());
  }

  /** The BPMN XML of a process, for the diagram on the case file. */
  public byte[] modelOf(String processId) {
    String file = files.get(processId);
    return file == null ? null : resources.get(file);
  }

  public byte[] model(String fileName) {
    return resources.get(fileName);
  }
}
