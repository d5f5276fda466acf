package org.cardcase.cards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import org.cardcase.TestDatabase;
import org.cardcase.audit.AuditTrail;
import org.cardcase.audit.TestAuditKeys;
import org.cardcase.cases.CaseRepository;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

/** The card lifecycle on a real PostgreSQL. */
class CardLifecycleTest {
  static CardLifecycle cards;
  static AuditTrail audit;
  static TransactionTemplate tx;

  @BeforeAll
  static void setUp() {
    audit = new AuditTrail(TestDatabase.jdbc(), Clock.systemUTC(), TestAuditKeys.KEYS);
    cards = new CardLifecycle(TestDatabase.jdbc(), TestDatabase.tx(), audit, new CaseRepository(TestDatabase.jdbc(), audit), Clock.systemUTC());
    tx = TestDatabase.tx();
  }

  private Card open(String caseNumber) {
    TestDatabase.insertCase(caseNumber, "11010519491231002X");
    return tx.execute(s -> cards.openFor(caseNumber, "11010519491231002X", "王小明", "ICBC", null, "web-portal", "web-portal"));
  }

  private boolean move(Card c, CardState to, String key) {
    return Boolean.TRUE.equals(tx.execute(s -> cards.move(c.cardId(), to, "clerk", "counter", "because " + key, key)));
  }

  @Test
  void theWholeLifeOfACardIsRecordedWithWhoWhenChannelAndWhy() {
    Card c = open("SC-CARD-1");
    assertThat(c.state()).isEqualTo(CardState.APPLIED);
    assertThat(tx.execute(s -> cards.openFor("SC-CARD-1", "x", "y", "ABC", null, "a", "a")).cardId())
        .as("a second open for the same case is the same card").isEqualTo(c.cardId());
    move(c, CardState.IN_PRODUCTION, "production");
    move(c, CardState.PRODUCED, "produced");
    move(c, CardState.AWAITING_ACTIVATION, "ready");
    move(c, CardState.ACTIVE, "activated");
    move(c, CardState.SUSPENDED, "provisional-loss");
    move(c, CardState.ACTIVE, "found");
    move(c, CardState.LOST, "formal-loss");
    move(c, CardState.REPLACED, "replacement");
    move(c, CardState.CANCELLED, "replacement-collected");
    assertThat(cards.find(c.cardId()).orElseThrow().state()).isEqualTo(CardState.CANCELLED);
    var history = cards.history(c.cardId());
    assertThat(history).extracting(CardTransition::to).containsExactly(CardState.APPLIED, CardState.IN_PRODUCTION,
        CardState.PRODUCED, CardState.AWAITING_ACTIVATION, CardState.ACTIVE, CardState.SUSPENDED, CardState.ACTIVE,
        CardState.LOST, CardState.REPLACED, CardState.CANCELLED);
    CardTransition found = history.get(6);
    assertThat(found.from()).isEqualTo(CardState.SUSPENDED);
    assertThat(found.actor()).isEqualTo("clerk");
    assertThat(found.channel()).isEqualTo("counter");
    assertThat(found.reason()).isEqualTo("because found");
    assertThat(found.at()).isNotNull();
    assertThat(audit.verify(CardLifecycle.subject(c.cardId())).intact()).isTrue();
    assertThat(audit.entries(CardLifecycle.subject(c.cardId()))).hasSize(10);
  }

  @Test
  void aRetriedStepMovesTheCardOnce() {
    Card c = open("SC-CARD-2");
    assertThat(move(c, CardState.IN_PRODUCTION, "production")).isTrue();
    assertThat(move(c, CardState.IN_PRODUCTION, "production")).as("redelivered job").isFalse();
    assertThat(cards.history(c.cardId())).hasSize(2);
    assertThat(audit.entries(AuditTrail.ofCase("SC-CARD-2")))
        .filteredOn(e -> e.action().equals("CARD_STATE_CHANGED")).hasSize(1);
  }

  @Test
  void aTransitionTheRulesDoNotAllowIsRefusedAndChangesNothing() {
    Card c = open("SC-CARD-3");
    move(c, CardState.IN_PRODUCTION, "production");
    assertThatThrownBy(() -> move(c, CardState.ACTIVE, "too-early"))
        .isInstanceOf(IllegalCardTransition.class)
        .hasMessageContaining("is IN_PRODUCTION and cannot become ACTIVE")
        .hasMessageContaining("PRODUCED");
    assertThat(cards.find(c.cardId()).orElseThrow().state()).isEqualTo(CardState.IN_PRODUCTION);
    assertThat(cards.history(c.cardId())).hasSize(2);
    move(c, CardState.CANCELLED, "production-failed");
    assertThatThrownBy(() -> move(c, CardState.ACTIVE, "after-cancel")).hasMessageContaining("CANCELLED is final");
  }

  @Test
  void numbersAreSetOnceAndADuplicateCallbackCannotOverwriteThem() {
    Card c = open("SC-CARD-4");
    tx.executeWithoutResult(s -> cards.recordNumbers(c.cardId(), "A12345678", null));
    tx.executeWithoutResult(s -> cards.recordNumbers(c.cardId(), "B99999999", "M1"));
    Card now = cards.find(c.cardId()).orElseThrow();
    assertThat(now.cardNumber()).isEqualTo("A12345678");
    assertThat(now.medicalInsuranceNumber()).isEqualTo("M1");
  }
}
