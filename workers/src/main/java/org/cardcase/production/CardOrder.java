package org.cardcase.production;

/** What the provincial centre and the bank need to make a card; {@code cardId} is the idempotency key. */
public record CardOrder(String caseNumber, String cardId, String holderName, String idNumber, String issuingBank,
    String medicalInsuranceNumber, byte[] portrait) {}
