package org.cardcase.cards;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CardStateTest {

  @Test
  void onlyAnActiveCardSettles() {
    assertThat(Arrays.stream(CardState.values()).filter(CardState::settles)).containsExactly(CardState.ACTIVE);
  }

  @Test
  void onlyACardInUseIdentifiesItsHolder() {
    assertThat(Arrays.stream(CardState.values()).filter(CardState::identifiesHolder)).containsExactly(CardState.ACTIVE);
  }

  @Test
  void aProvisionalReportIsReversibleButAFormalOneIsNot() {
    assertThat(CardState.ACTIVE.canMoveTo(CardState.SUSPENDED)).isTrue();
    assertThat(CardState.SUSPENDED.canMoveTo(CardState.ACTIVE)).as("card found, report withdrawn").isTrue();
    assertThat(CardState.SUSPENDED.canMoveTo(CardState.LOST)).as("formal report after a provisional one").isTrue();
    assertThat(CardState.LOST.canMoveTo(CardState.ACTIVE)).as("a formally lost card never works again").isFalse();
    assertThat(CardState.LOST.canMoveTo(CardState.SUSPENDED)).isFalse();
  }

  @Test
  void aCardIsActivatedOnlyAfterItWasProducedAndHandedOver() {
    assertThat(CardState.APPLIED.canMoveTo(CardState.ACTIVE)).isFalse();
    assertThat(CardState.IN_PRODUCTION.canMoveTo(CardState.ACTIVE)).isFalse();
    assertThat(CardState.PRODUCED.canMoveTo(CardState.ACTIVE)).isFalse();
    assertThat(CardState.AWAITING_ACTIVATION.canMoveTo(CardState.ACTIVE)).isTrue();
  }

  @Test
  void cancelledIsFinalAndEveryOtherStateCanEndThere() {
    assertThat(CardState.CANCELLED.next()).isEmpty();
    for (CardState s : CardState.values()) {
      assertThat(s.canMoveTo(s)).as(s + " to itself").isFalse();
      if (s != CardState.CANCELLED) {
        assertThat(s.canMoveTo(CardState.CANCELLED)).as(s + " can be cancelled").isTrue();
      }
    }
  }

  @Test
  void aReplacedCardIsCancelledWhenTheNewOneIsCollected() {
    assertThat(CardState.LOST.next()).containsExactlyInAnyOrder(CardState.REPLACED, CardState.CANCELLED);
    assertThat(CardState.REPLACED.next()).containsExactly(CardState.CANCELLED);
  }
}
