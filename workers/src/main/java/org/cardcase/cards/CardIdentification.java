package org.cardcase.cards;

import java.util.Locale;
import org.springframework.stereotype.Service;

/**
 * Who a card read at a self-service terminal identifies. A card identifies its holder only while
 * it is in use ({@link CardState#identifiesHolder()}): a card reported lost (provisionally or
 * formally), replaced, cancelled or not yet activated may be in anyone's hand, so it identifies
 * nobody and its holder swipes the ID card instead. A refusal says why (the card's state) and
 * nothing of the holder.
 */
@Service
public class CardIdentification {
  /** What reading a card number gave. */
  public sealed interface Result permits Identified, Refused, Unknown {}

  /** The card is in use: its holder is identified. */
  public record Identified(Card card) implements Result {}

  /** There is such a card, but in this state it identifies nobody; nothing of its holder is given. */
  public record Refused(CardState state) implements Result {}

  /** No card has this number. */
  public record Unknown() implements Result {}

  private final CardLifecycle cards;

  public CardIdentification(CardLifecycle cards) {
    this.cards = cards;
  }

  /** The card with this printed number (as the reader or the keypad gives it), and whether it identifies its holder. */
  public Result byCardNumber(String cardNumber) {
    String n = cardNumber == null ? "" : cardNumber.strip().toUpperCase(Locale.ROOT);
    if (n.isEmpty()) {
      return new Unknown();
    }
    return cards.byCardNumber(n).<Result>map(c -> c.state().identifiesHolder() ? new Identified(c) : new Refused(c.state()))
        .orElseGet(Unknown::new);
  }

  /**
   * Whether the ID number swiped is the holder's own (the holder's ID card alongside the card, e.g.
   * before a pickup certificate is printed again). The check character may be read as x or X.
   */
  public static boolean isHoldersIdNumber(String holderIdNumber, String swiped) {
    return holderIdNumber != null && swiped != null && !swiped.isBlank()
        && holderIdNumber.strip().equalsIgnoreCase(swiped.strip());
  }
}
