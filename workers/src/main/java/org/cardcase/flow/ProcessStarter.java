package org.cardcase.flow;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.ClientStatusException;
import io.camunda.client.api.response.ProcessInstanceEvent;
import io.grpc.Status;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.cardcase.audit.AuditTrail;
import org.cardcase.processes.CaseFlow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Starts a stored case's process instance, or gives an engine that lost it the case back. */
@Component
public class ProcessStarter {
  private static final Logger log = LoggerFactory.getLogger(ProcessStarter.class);
  private final CamundaClient client;
  private final ProcessLinks links;
  private final MessageInbox inbox;
  private final AuditTrail audit;

  public ProcessStarter(CamundaClient client, ProcessLinks links, MessageInbox inbox, AuditTrail audit) {
    this.audit = audit;
    this.client = client;
    this.links = links;
    this.inbox = inbox;
  }

  /** Starts the case's instance from its start event; false if another caller has it or it failed. */
  public boolean start(String caseNumber) {
    if (!links.claimStart(caseNumber)) {
      return false;
    }
    ProcessLink link = links.find(caseNumber).orElseThrow();
    try {
      ProcessInstanceEvent pi = client.newCreateInstanceCommand().bpmnProcessId(link.bpmnProcessId()).latestVersion()
          .variables(link.variables()).send().join();
      links.recordInstance(caseNumber, pi.getProcessInstanceKey());
      return true;
    } catch (RuntimeException e) {
      // stays unstarted; the sweeper tries again once the claim expires
      log.warn("could not start the process of case {}: {}", caseNumber, e.getMessage());
      return false;
    }
  }

  /** Does the engine still know this instance? Asked by setting a harmless variable on it. */
  public boolean engineKnows(ProcessLink link) {
    try {
      client.newSetVariablesCommand(link.processInstanceKey())
          .variables(Map.of("lastRecoveryCheck", Instant.now().toString())).local(true).send().join();
      return true;
    } catch (ClientStatusException e) {
      if (e.getStatusCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Creates a new instance of the case's process that starts right at the wait state recorded in
   * PostgreSQL, with the variables it had there (deadlines included, so timers fire as before).
   */
  public long resume(ProcessLink link) {
    Map<String, Object> vars = new HashMap<>(link.variables());
    var cmd = client.newCreateInstanceCommand().bpmnProcessId(link.bpmnProcessId()).latestVersion();
    ProcessInstanceEvent pi;
    if (link.waitElement() == null) {
      // never reached a wait state: run it again from the start (the workers are idempotent)
      pi = cmd.variables(vars).send().join();
    } else {
      vars.put(CaseFlow.VAR_RESUME_SEQ, link.waitSeq());
      // a wait inside a called process resumes before its call activity: the called process runs
      // its automated steps again (idempotent) and its checkpoint finds the same visit
      pi = cmd.variables(vars).startBeforeElement(ProcessCatalog.resumeElement(link.waitElement())).send().join();
    }
    links.recordResumed(link.caseNumber(), pi.getProcessInstanceKey());
    audit.append(AuditTrail.ofCase(link.caseNumber()), "resume:" + Instant.now(), "system", null, "CASE_RESUMED",
        Map.of("step", String.valueOf(link.waitElement())));
    inbox.republishUnconsumed(link.caseNumber());
    log.info("resumed case {} at {} as instance {}", link.caseNumber(),
        link.waitElement() == null ? "the start" : link.waitElement(), pi.getProcessInstanceKey());
    return pi.getProcessInstanceKey();
  }
}
