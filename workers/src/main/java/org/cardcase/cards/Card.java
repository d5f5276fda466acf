package org.cardcase.cards;

import java.time.Instant;

public record Card(String cardId, String caseNumber, String holderIdNumber, String holderName, String issuingBank,
    String cardNumber, String medicalInsuranceNumber, CardState state, String replacesCardId, Instant createdAt,
    Instant updatedAt) {}
