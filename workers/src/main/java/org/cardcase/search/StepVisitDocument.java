package org.cardcase.search;

import java.time.Instant;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;

/**
 * A stay of a case at a step, as the read model holds it: what the heatmap on the diagram counts
 * (time spent at each element, and who is there now). No personal data.
 *
 * @param hours how long the stay lasted; null while the case is still there
 * @param waiting the case is there now (the stay has not ended and the case is open)
 */
public record StepVisitDocument(String id, String caseNumber, String caseType, String step, String channel,
    String issuingBank, Instant enteredAt, Instant leftAt, Double hours, boolean waiting) {

  static StepVisitDocument of(CaseRepository.StepVisit v, int seq, CaseRecord c) {
    return new StepVisitDocument(c.caseNumber() + "/" + seq, c.caseNumber(), c.caseType(), v.step(), c.channel(),
        c.issuingBank(), v.enteredAt(), v.leftAt(),
        v.leftAt() == null ? null : TaskDocument.hours(v.enteredAt(), v.leftAt()),
        v.leftAt() == null && c.closedAt() == null);
  }
}
