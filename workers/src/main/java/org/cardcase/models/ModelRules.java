package org.cardcase.models;

import io.camunda.zeebe.model.bpmn.instance.ExtensionElements;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeExecutionListenerEventType;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeExecutionListeners;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeProperties;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.FormVersions;
import org.cardcase.flow.ProcessCatalog;
import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import io.camunda.zeebe.model.bpmn.instance.BaseElement;
import io.camunda.zeebe.model.bpmn.instance.CatchEvent;
import io.camunda.zeebe.model.bpmn.instance.FlowElement;
import io.camunda.zeebe.model.bpmn.instance.IntermediateCatchEvent;
import io.camunda.zeebe.model.bpmn.instance.Message;
import io.camunda.zeebe.model.bpmn.instance.MessageEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.ReceiveTask;
import io.camunda.zeebe.model.bpmn.instance.TimerEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.UserTask;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeExecutionListener;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeFormDefinition;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeSubscription;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskDefinition;
import io.camunda.zeebe.model.bpmn.validation.zeebe.ZeebeDesignTimeValidators;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;
import org.camunda.bpm.model.xml.validation.ValidationResultType;
import org.cardcase.forms.FormDefinition;
import org.cardcase.processes.CaseFlow;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * What a BPMN model must be for this system to run it, checked before it is deployed: the engine's
 * own design-time validation, then this system's rules. Each problem names the element it is at.
 * <ul>
 *   <li>every job type (service tasks, execution listeners) has a worker here;</li>
 *   <li>every wait state (receive task, user task, message catch event) records the restart
 *       checkpoint ({@code case.checkpoint} start listener), or a restart could not resume it;</li>
 *   <li>every timer reads a deadline variable (set from the working-day calendar), never a fixed
 *       duration or date;</li>
 *   <li>every user task names a form that exists;</li>
 *   <li>every message is correlated by {@code caseNumber}.</li>
 * </ul>
 */
@Component
public class ModelRules {
  private static final Pattern DEADLINE_VARIABLE = Pattern.compile("=\\s*[A-Za-z_][A-Za-z0-9_]*\\s*");

  /**
   * A problem with a model: the rule it breaks, the element it is at (null for the whole model),
   * what to do (in English, for the API), and the value at fault (a job type, a form key, ...),
   * which a screen puts into the rule's own text in the reader's language.
   */
  public record Problem(String rule, String elementId, String message, String value) {
    Problem(String rule, String elementId, String message) {
      this(rule, elementId, message, null);
    }
  }

  private final Set<String> jobTypes;

  /** Whether a user task may name a form key (a kept version, or a shipped form). */
  private final Predicate<String> formExists;

  @Autowired
  public ModelRules(List<CaseJobHandler> handlers, FormVersions forms) {
    this(handlers.stream().map(CaseJobHandler::jobType).collect(Collectors.toSet()), forms::exists);
  }

  ModelRules(Set<String> jobTypes) {
    this(jobTypes, ModelRules::shippedFormExists);
  }

  ModelRules(Set<String> jobTypes, Predicate<String> formExists) {
    this.jobTypes = Set.copyOf(jobTypes);
    this.formExists = formExists;
  }

  /** Every problem of the model, in document order; empty if it may be deployed. */
  public List<Problem> check(byte[] bpmn) {
    List<Problem> out = new ArrayList<>();
    BpmnModelInstance model;
    try {
      model = Bpmn.readModelFromStream(new ByteArrayInputStream(bpmn));
    } catch (RuntimeException e) {
      out.add(new Problem("readable", null, "not a BPMN 2.0 model: " + rootCause(e), rootCause(e)));
      return out;
    }
    var results = model.validate(ZeebeDesignTimeValidators.VALIDATORS);
    results.getResults().forEach((element, list) -> list.stream().filter(r -> r.getType() == ValidationResultType.ERROR)
        .forEach(r -> out.add(new Problem("engine", idOf(element), r.getMessage(), r.getMessage()))));
    if (!out.isEmpty()) {
      return out; // the engine would refuse it; our rules assume a model it accepts
    }
    for (FlowElement e : model.getModelElementsByType(FlowElement.class)) {
      ZeebeTaskDefinition task = e.getSingleExtensionElement(ZeebeTaskDefinition.class);
      if (task != null) {
        jobType(out, e, task.getType(), "the service task");
      }
      Collection<ZeebeExecutionListener> listeners = e.getChildElementsByType(ExtensionElements.class)
          .stream().flatMap(x -> x.getChildElementsByType(ZeebeExecutionListeners.class).stream())
          .flatMap(x -> x.getExecutionListeners().stream()).toList();
      for (ZeebeExecutionListener l : listeners) {
        jobType(out, e, l.getType(), "the execution listener");
      }
      if (isWaitState(e) && listeners.stream().noneMatch(l -> CaseFlow.CHECKPOINT_LISTENER.equals(l.getType())
          && l.getEventType() == ZeebeExecutionListenerEventType.start)) {
        out.add(new Problem("checkpoint", e.getId(), "a wait state needs the start execution listener '" + CaseFlow.CHECKPOINT_LISTENER
            + "', so that a restart can resume the case here"));
      }
      if (e instanceof UserTask) {
        ZeebeFormDefinition form = e.getSingleExtensionElement(ZeebeFormDefinition.class);
        String key = form == null ? null : form.getFormKey();
        if (key == null || key.isBlank()) {
          out.add(new Problem("form", e.getId(), "a user task needs a form key (cardcase:<form>)"));
        } else if (!formExists.test(key)) {
          out.add(new Problem("form", e.getId(), "no form '" + key + "'", key));
        }
      }
      if (e instanceof CatchEvent c) {
        for (TimerEventDefinition t : c.getChildElementsByType(TimerEventDefinition.class)) {
          timer(out, e.getId(), t);
        }
      }
      workingDays(out, e);
    }
    for (Message m : model.getModelElementsByType(Message.class)) {
      ZeebeSubscription s = m.getSingleExtensionElement(ZeebeSubscription.class);
      String key = s == null ? null : s.getCorrelationKey();
      if (key == null || !key.replace(" ", "").equals("=caseNumber")) {
        out.add(new Problem("correlation", m.getId(), "message '" + m.getName()
            + "' must be correlated by =caseNumber (the channels and partners send it with the case number), not " + key,
            String.valueOf(key)));
      }
    }
    return out;
  }

  /** The job types this system has workers for. */
  public Set<String> jobTypes() {
    return new TreeSet<>(jobTypes);
  }

  private void jobType(List<Problem> out, FlowElement e, String type, String what) {
    if (type == null || type.isBlank() || type.startsWith("=")) {
      out.add(new Problem("job-type", e.getId(), what + " needs a fixed job type, not '" + type + "'", String.valueOf(type)));
    } else if (!jobTypes.contains(type)) {
      out.add(new Problem("job-type", e.getId(), "no worker for job type '" + type + "' (" + what + ")", type));
    }
  }

  private static void timer(List<Problem> out, String elementId, TimerEventDefinition t) {
    if (t.getTimeDuration() != null || t.getTimeCycle() != null) {
      out.add(new Problem("deadline", elementId, "a timer reads a deadline variable (=someDueAt, set from the working-day"
          + " calendar); a fixed duration or cycle ignores holidays", (t.getTimeDuration() != null ? t.getTimeDuration()
          : t.getTimeCycle()).getTextContent().strip()));
    } else if (t.getTimeDate() == null || !DEADLINE_VARIABLE.matcher(t.getTimeDate().getTextContent().strip()).matches()) {
      String date = t.getTimeDate() == null ? null : t.getTimeDate().getTextContent().strip();
      out.add(new Problem("deadline", elementId, "a timer reads a deadline variable (=someDueAt), not '" + date + "'",
          String.valueOf(date)));
    }
  }

  /** A deadline in the model: a whole number of working days, on an element that reads a deadline variable. */
  private static void workingDays(List<Problem> out, FlowElement e) {
    var props = e.getSingleExtensionElement(ZeebeProperties.class);
    if (props == null) {
      return;
    }
    for (var p : props.getProperties()) {
      if (ProcessCatalog.WORKING_DAYS.equals(p.getName())) {
        if (ProcessCatalog.workingDaysProperty(e).isEmpty()) {
          out.add(new Problem("working-days", e.getId(), ProcessCatalog.WORKING_DAYS + " must be whole working days from 1 to 365, not '"
              + p.getValue() + "'", String.valueOf(p.getValue())));
        } else if (ProcessCatalog.deadlineOf(e).isEmpty()) {
          out.add(new Problem("working-days", e.getId(), ProcessCatalog.WORKING_DAYS
              + " belongs on the element that reads the deadline (a timer or a user task's due date)", String.valueOf(p.getValue())));
        }
      }
    }
  }

  static boolean isWaitState(FlowElement e) {
    if (e instanceof ReceiveTask || e instanceof UserTask) {
      return true;
    }
    return e instanceof IntermediateCatchEvent c && !c.getChildElementsByType(MessageEventDefinition.class).isEmpty();
  }

  private static boolean shippedFormExists(String key) {
    try {
      FormDefinition.forFormKey(key);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String idOf(ModelElementInstance element) {
    return element instanceof BaseElement b ? b.getId() : null;
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
