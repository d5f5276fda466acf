package org.cardcase.search;

import java.time.Instant;
import java.util.List;

/** One search result, personal data masked. */
public record CaseHit(
    String caseNumber, String caseType, String status, String currentStep, String channel,
    String applicantNameMasked, String idNumberMasked, Instant createdAt, Instant updatedAt, List<String> cardNumbersMasked,
    /** What the query matched: name, caseNumber, idNumber or cardNumber (shown highlighted, never unmasked). */
    List<String> matched) {}
