package org.cardcase.cases;

import java.time.Instant;

/** One row of card_case: the system of record for a case. */
public record CaseRecord(
    String caseNumber, String caseType, CaseStatus status, String currentStep, String channel,
    String applicantName, String idNumber, String sex, String phone, String issuingBank,
    Instant createdAt, Instant updatedAt, Instant closedAt) {}
