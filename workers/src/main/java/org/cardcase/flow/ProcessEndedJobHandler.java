package org.cardcase.flow;

import io.camunda.client.api.response.ActivatedJob;
import java.util.Map;
import java.util.Optional;
import org.cardcase.processes.CaseFlow;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** End listener of every case process: the case has nothing left to resume. */
@Component
public class ProcessEndedJobHandler implements CaseJobHandler {
  private final ProcessLinks links;
  private final MessageInbox inbox;
  private final TransactionTemplate tx;

  public ProcessEndedJobHandler(ProcessLinks links, MessageInbox inbox, TransactionTemplate tx) {
    this.tx = tx;
    this.links = links;
    this.inbox = inbox;
  }

  @Override
  public String jobType() {
    return CaseFlow.PROCESS_ENDED_LISTENER;
  }

  @Override
  public Optional<Map<String, Object>> handle(ActivatedJob job) {
    return tx.execute(status -> {
      String caseNumber = CaseJobHandler.caseNumber(job);
      inbox.markConsumed(job.getVariablesAsMap().get(CaseFlow.VAR_CONSUMED_MESSAGE_ID));
      links.recordEnded(caseNumber);
      return Optional.of(Map.of());
    });
  }
}
