package org.cardcase.cards;

import java.time.Instant;

/** One recorded move of a card: who, when, through which channel and why. */
public record CardTransition(String cardId, CardState from, CardState to, String actor, String channel, String reason,
    Instant at) {}
