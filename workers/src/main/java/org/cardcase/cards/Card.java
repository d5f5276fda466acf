package org.cardcase.cards;

import java.time.Instant;

public record Card(String cardId, String caseNumber, String holderIdNumber, String holderName, String issuingBank,
    String cardNumber, String medicalInsuranceNumber, CardState state, String replacesCardId, Instant createdAt,
    Instant updatedAt) {

  /** What an SMS quotes of the card ("尾号"): the last four of its number, or of its id before it has one. */
  public String lastFour() {
    String n = cardNumber == null ? cardId : cardNumber;
    return n.substring(Math.max(0, n.length() - 4));
  }
}
