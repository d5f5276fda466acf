package org.cardcase.cards;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of one physical social security card. A provisional loss report only stops settlement
 * (SUSPENDED, reversible when the card is found); a formal report makes it LOST for good, and the
 * replacement card's pickup ends it as CANCELLED.
 */
public enum CardState {
  APPLIED, IN_PRODUCTION, PRODUCED, AWAITING_ACTIVATION, ACTIVE, SUSPENDED, LOST, REPLACED, CANCELLED;

  /** The states this one may move to. */
  public Set<CardState> next() {
    return switch (this) {
      // an application can be rejected or withdrawn before production
      case APPLIED -> EnumSet.of(IN_PRODUCTION, CANCELLED);
      // production may fail for good (the bank refuses the data)
      case IN_PRODUCTION -> EnumSet.of(PRODUCED, CANCELLED);
      case PRODUCED -> EnumSet.of(AWAITING_ACTIVATION, CANCELLED);
      // a card never collected is cancelled after the final deadline; a card lost before pickup too
      case AWAITING_ACTIVATION -> EnumSet.of(ACTIVE, LOST, CANCELLED);
      case ACTIVE -> EnumSet.of(SUSPENDED, LOST, CANCELLED);
      // withdrawn provisional report (card found), or the formal report that follows it
      case SUSPENDED -> EnumSet.of(ACTIVE, LOST, CANCELLED);
      // a replacement is being made; or the holder wants none
      case LOST -> EnumSet.of(REPLACED, CANCELLED);
      // the replacement was collected
      case REPLACED -> EnumSet.of(CANCELLED);
      case CANCELLED -> EnumSet.noneOf(CardState.class);
    };
  }

  public boolean canMoveTo(CardState to) {
    return next().contains(to);
  }

  /**
   * Whether the card, read at a self-service terminal, identifies its holder: only a card in use. A
   * card reported lost (even provisionally), replaced, cancelled or not yet activated identifies
   * nobody; its holder identifies by ID card.
   */
  public boolean identifiesHolder() {
    return this == ACTIVE;
  }

  /** Whether the card can pay at a hospital or pharmacy in this state. */
  public boolean settles() {
    return this == ACTIVE;
  }
}
