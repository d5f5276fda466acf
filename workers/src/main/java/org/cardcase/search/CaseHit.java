package org.cardcase.search;

import java.time.Instant;

/** One search result, personal data masked. */
public record CaseHit(
    String caseNumber, String caseType, String status, String currentStep, String channel,
    String applicantNameMasked, String idNumberMasked, Instant createdAt, Instant updatedAt, java.util.List<String> cardNumbersMasked,
    /** What the query matched: name, caseNumber, idNumber or cardNumber (shown highlighted, never unmasked). */
    java.util.List<String> matched) {}
