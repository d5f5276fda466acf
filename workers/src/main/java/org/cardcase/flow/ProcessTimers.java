package org.cardcase.flow;

import io.camunda.client.CamundaClient;
import java.util.HashMap;
import java.util.Map;
import org.cardcase.processes.CaseFlow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * When a variable a timer reads changes (a deadline recomputed after a calendar correction), the
 * running instance gets the new value and, if the case waits where such a timer is, the wait state
 * is entered again so the timer is armed at the new instant.
 */
@Component
public class ProcessTimers {
  private static final Logger log = LoggerFactory.getLogger(ProcessTimers.class);
  private final ProcessLinks links;
  private final ProcessCatalog catalog;
  private final CamundaClient client;
  private final CurrentEngine engine;

  public ProcessTimers(ProcessLinks links, ProcessCatalog catalog, CamundaClient client, CurrentEngine engine) {
    this.links = links;
    this.catalog = catalog;
    this.client = client;
    this.engine = engine;
  }

  /**
   * Gives the running instance the new value; if the case waits where a timer reads it, the wait
   * state is entered again so the timer is armed at the new instant. The checkpoint sees the same
   * visit (resume sequence), so tasks and messages stay attached to the case as they were.
   */
  public void variableMoved(String caseNumber, String name, String value) {
    ProcessLink link = links.find(caseNumber).orElse(null);
    if (link == null || link.processInstanceKey() == null) {
      return; // not started yet: it starts with the stored variables
    }
    if (!engine.accepting() || link.engineGeneration() != engine.generation()) {
      return; // the engine is away or lost the instance: the resume starts it with the stored variables
    }
    try {
      Map<String, Object> vars = new HashMap<>();
      vars.put(name, value);
      // the wait may be inside a called process (production): its timer reads the called instance's copy
      String inner = link.waitElement() == null ? null : ProcessCatalog.innerElement(link.waitElement());
      Object process = link.variables().getOrDefault("_checkpointProcess", link.bpmnProcessId());
      long instance = link.variables().get("_checkpointInstance") instanceof Number n ? n.longValue() : link.processInstanceKey();
      boolean rearm = inner != null && catalog.timerVariables(String.valueOf(process), inner).contains(name)
          && link.variables().get("_checkpointElementInstance") instanceof Number;
      client.newSetVariablesCommand(link.processInstanceKey()).variables(vars).local(false).send().join();
      if (rearm) {
        Map<String, Object> here = new HashMap<>(vars);
        here.put(CaseFlow.VAR_RESUME_SEQ, link.waitSeq());
        client.newSetVariablesCommand(instance).variables(here).local(false).send().join();
        long elementInstance = ((Number) link.variables().get("_checkpointElementInstance")).longValue();
        client.newModifyProcessInstanceCommand(instance)
            .terminateElement(elementInstance).and().activateElement(inner).send().join();
        log.info("case {}: {} moved to {}; timer on {} re-armed", caseNumber, name, value, link.waitElement());
      }
    } catch (RuntimeException e) {
      // the stored variables have the new value: a resume after a restart uses it
      log.warn("case {}: could not give the engine the new {} ({}); it is stored for resume", caseNumber, name,
          e.getMessage());
    }
  }

}
