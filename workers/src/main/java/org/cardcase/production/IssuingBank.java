package org.cardcase.production;

/**
 * The issuing bank that prints and personalises the card. It acknowledges the order at once and
 * reports later, asynchronously, that the card is made: a "card-produced" callback that may come
 * late or more than once (it arrives at {@code POST /api/callbacks/card-produced}, or through the
 * message inbox for an in-process simulator).
 */
public interface IssuingBank {
  /** Returns the bank's order reference; the same card ordered twice gets the same reference. */
  String order(CardOrder order);

  /**
   * Asks for the card again when the first order is lost or stuck (a supervisor's decision on a
   * production-overdue alert). The bank makes the card once and reports it as usual; the same
   * {@code reorderKey} twice is one reorder. Returns the bank's order reference.
   */
  String reorder(CardOrder order, String reorderKey);
}
