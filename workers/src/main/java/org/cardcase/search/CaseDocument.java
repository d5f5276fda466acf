package org.cardcase.search;

import java.time.Instant;
import java.util.List;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRecord;
import org.cardcase.shared.Masking;

/**
 * A case as the search index holds it: no personal data in plain. Names, ID numbers and card
 * numbers are there only as {@link SearchTokens} (keyed HMACs, for exact matches) and as the masked
 * values lists show; the case number is not personal and is kept as it is.
 */
public record CaseDocument(
    String caseNumber, String caseType, String status, String currentStep, String channel,
    String nameToken, String idNumberToken, String applicantNameMasked, String idNumberMasked, String phoneMasked,
    String issuingBank, Instant createdAt, Instant updatedAt, boolean closed, List<String> cardNumberTokens,
    List<String> cardNumbersMasked, Instant closedAt, Integer cycleWorkingDays) {

  /** @param calendar counts the working days from receipt to close (the unit the deadlines are in) */
  static CaseDocument of(CaseRecord c, List<String> cardNumbers, WorkingDayCalendar calendar,
      SearchTokens tokens) {
    Integer cycle = c.closedAt() == null ? null : calendar.workingDaysBetween(
        c.createdAt().atZone(WorkingDayCalendar.ZONE).toLocalDate(),
        c.closedAt().atZone(WorkingDayCalendar.ZONE).toLocalDate());
    return new CaseDocument(c.caseNumber(), c.caseType(), c.status().name(), c.currentStep(), c.channel(),
        tokens.name(c.applicantName()), tokens.number(c.idNumber()), Masking.name(c.applicantName()), Masking.idNumber(c.idNumber()),
        Masking.phone(c.phone()), c.issuingBank(), c.createdAt(), c.updatedAt(), c.closedAt() != null,
        cardNumbers.stream().map(tokens::number).toList(),
        cardNumbers.stream().map(Masking::cardNumber).toList(), c.closedAt(), cycle);
  }
}
