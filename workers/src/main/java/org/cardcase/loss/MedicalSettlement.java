package org.cardcase.loss;

/**
 * The medical insurance settlement system used by hospitals and pharmacies: stopping a card's
 * settlement function makes every payment with it refuse. Both calls are idempotent by card.
 */
public interface MedicalSettlement {
  /** Stops settlement for the card; returns the settlement system's reference. */
  String stop(String cardId, String reason);

  /** Lets the card settle again (a provisional report withdrawn). */
  String resume(String cardId, String reason);

  /** Whether the card can settle now, as the settlement system sees it. */
  boolean settles(String cardId);
}
