package org.cardcase.cards;

/** A transition the card lifecycle does not allow; the message says what is allowed instead. */
public class IllegalCardTransition extends RuntimeException {
  public IllegalCardTransition(String cardId, CardState from, CardState to) {
    super("card " + cardId + " is " + from + " and cannot become " + to
        + (from.next().isEmpty() ? " (" + from + " is final)" : "; from " + from + " it can become " + from.next()));
  }
}
