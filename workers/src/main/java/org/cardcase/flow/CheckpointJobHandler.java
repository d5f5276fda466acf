package org.cardcase.flow;

import io.camunda.client.api.response.ActivatedJob;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.cardcase.audit.AuditTrail;
import org.cardcase.processes.CaseFlow;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Start listener of every wait state: records in PostgreSQL the element the case now waits in and
 * the variables it had, so that an engine that lost its state can be given the case back there.
 */
@Component
public class CheckpointJobHandler implements CaseJobHandler {
  private final ProcessLinks links;
  private final CaseSteps cases;
  private final MessageInbox inbox;
  private final AuditTrail audit;
  private final ModelVersions versions;
  private final CurrentEngine engine;
  private final TransactionTemplate tx;

  public CheckpointJobHandler(ProcessLinks links, CaseSteps cases, MessageInbox inbox, AuditTrail audit, ModelVersions versions,
      CurrentEngine engine, TransactionTemplate tx) {
    this.tx = tx;
    this.engine = engine;
    this.versions = versions;
    this.audit = audit;
    this.links = links;
    this.cases = cases;
    this.inbox = inbox;
  }

  @Override
  public String jobType() {
    return CaseFlow.CHECKPOINT_LISTENER;
  }

  @Override
  public Optional<Map<String, Object>> handle(ActivatedJob job) {
    return tx.execute(status -> {
      String caseNumber = CaseJobHandler.caseNumber(job);
      Map<String, Object> vars = new HashMap<>(job.getVariablesAsMap());
      ProcessLink link = links.find(caseNumber).orElseThrow(() -> new IllegalStateException("no process link for " + caseNumber));
      Object resumeSeq = vars.remove(CaseFlow.VAR_RESUME_SEQ);
      vars.remove(ProcessStarter.VAR_START_TOKEN); // belongs to one start, not to the case
      // a wait inside a called process (verification) is recorded as callActivity/element
      boolean inCaseProcess = job.getBpmnProcessId().equals(link.bpmnProcessId());
      // read in the model version the case runs on: a later version may call it from another element
      String waitId = versions.catalogOf(link.bpmnProcessId(), link.modelVersion()).waitId(link.bpmnProcessId(), job.getBpmnProcessId(), job.getElementId());
      boolean resumedHere = resumeSeq instanceof Number n && n.intValue() == link.waitSeq() && waitId.equals(link.waitElement());
      boolean redelivered = !resumedHere && waitId.equals(link.waitElement())
          && Long.valueOf(job.getElementInstanceKey()).equals(toLong(link.variables().get("_checkpointElementInstance")));
      if (!redelivered) {
        // keys restart in a fresh engine, so remember this engine's key even when resuming
        vars.put("_checkpointElementInstance", job.getElementInstanceKey());
        // the instance and process the wait is in (a called process's, for a wait inside a call activity)
        vars.put("_checkpointInstance", job.getProcessInstanceKey());
        vars.put("_checkpointProcess", job.getBpmnProcessId());
        // the case's instance is the caller's, never the called process's
        long caseInstance = inCaseProcess || link.processInstanceKey() == null ? job.getProcessInstanceKey() : link.processInstanceKey();
        int seq = links.recordWait(caseNumber, waitId, caseInstance, engine.generation(), vars, !resumedHere);
        if (!resumedHere) {
          // a resumed case is where it was: its step, search entry and audit trail stay as they are
          cases.entered(caseNumber, job.getElementId());
          audit.append(AuditTrail.ofCase(caseNumber), "step:" + waitId + ":" + seq, "system", null,
              "STEP_ENTERED", Map.of("step", job.getElementId()));
        }
      }
      inbox.markConsumed(vars.get(CaseFlow.VAR_CONSUMED_MESSAGE_ID));
      Map<String, Object> out = new HashMap<>();
      if (resumeSeq != null) {
        out.put(CaseFlow.VAR_RESUME_SEQ, null);
      }
      return Optional.of(out);
    });
  }

  private static Long toLong(Object o) {
    return o instanceof Number n ? n.longValue() : null;
  }
}
