package org.cardcase.cards;

public class CardNotFound extends RuntimeException {
  public CardNotFound(String what) {
    super("no card " + what);
  }
}
