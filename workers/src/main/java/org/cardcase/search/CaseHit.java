package org.cardcase.search;

import java.time.Instant;

/** One search result, personal data masked. */
public record CaseHit(
    String caseNumber, String caseType, String status, String currentStep, String channel,
    String applicantNameMasked, String idNumberMasked, Instant createdAt, Instant updatedAt) {}
