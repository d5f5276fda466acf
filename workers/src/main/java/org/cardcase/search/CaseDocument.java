package org.cardcase.search;

import java.time.Instant;
import org.cardcase.cases.CaseRecord;
import org.cardcase.shared.Masking;

/**
 * A case as the search index holds it. Full name and ID number are indexed so staff can find a
 * case by them, but only masked values are stored for display (the index never shows them whole).
 */
public record CaseDocument(
    String caseNumber, String caseType, String status, String currentStep, String channel,
    String applicantName, String idNumber, String applicantNameMasked, String idNumberMasked, String phoneMasked,
    String issuingBank, Instant createdAt, Instant updatedAt, boolean closed, java.util.List<String> cardNumbers,
    java.util.List<String> cardNumbersMasked, Instant closedAt, Integer cycleWorkingDays) {

  /** @param calendar counts the working days from receipt to close (the unit the deadlines are in) */
  static CaseDocument of(CaseRecord c, java.util.List<String> cardNumbers, org.cardcase.calendar.WorkingDayCalendar calendar) {
    Integer cycle = c.closedAt() == null ? null : calendar.workingDaysBetween(
        c.createdAt().atZone(org.cardcase.calendar.WorkingDayCalendar.ZONE).toLocalDate(),
        c.closedAt().atZone(org.cardcase.calendar.WorkingDayCalendar.ZONE).toLocalDate());
    return new CaseDocument(c.caseNumber(), c.caseType(), c.status().name(), c.currentStep(), c.channel(),
        c.applicantName(), c.idNumber(), Masking.name(c.applicantName()), Masking.idNumber(c.idNumber()),
        Masking.phone(c.phone()), c.issuingBank(), c.createdAt(), c.updatedAt(), c.closedAt() != null, cardNumbers,
        cardNumbers.stream().map(Masking::cardNumber).toList(), c.closedAt(), cycle);
  }
}
