package org.cardcase.cards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Clock;
import org.cardcase.TestDatabase;
import org.cardcase.audit.AuditTrail;
import org.cardcase.audit.TestAuditKeys;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** "The card is ready", the one sequence a new card and a reissued card share, on a real PostgreSQL without the engine. */
class MarkProducedTest {
  static CardLifecycle cards;
  static CaseRepository cases;
  static AuditTrail audit;

  @BeforeAll
  static void setUp() {
    audit = new AuditTrail(TestDatabase.jdbc(), Clock.systemUTC(), TestAuditKeys.KEYS);
    cases = new CaseRepository(TestDatabase.jdbc(), audit);
    cards = new CardLifecycle(TestDatabase.jdbc(), TestDatabase.tx(), audit, cases, Clock.systemUTC());
  }

  private Card inProduction(String caseNumber) {
    TestDatabase.insertCase(caseNumber, "11010519491231002X");
    Card c = cards.openFor(caseNumber, "11010519491231002X", "王小明", "ICBC", null, "web-portal", "web-portal");
    cards.move(c.cardId(), CardState.IN_PRODUCTION, "system", null, "verified data sent for production", "production-requested");
    return c;
  }

  @Test
  void aMadeCardWaitsForItsHolderWithItsNumberAndTheCaseSaysSo() {
    Card c = inProduction("SC-READY-1");
    Card ready = cards.markProduced("SC-READY-1", "A12345678", CardLifecycle.Ready.AT_BANK_BRANCH);
    assertThat(ready.state()).isEqualTo(CardState.AWAITING_ACTIVATION);
    assertThat(ready.cardNumber()).isEqualTo("A12345678");
    assertThat(cards.history(c.cardId())).extracting(CardTransition::to, CardTransition::reason).endsWith(
        tuple(CardState.PRODUCED, "the bank reported the card made"),
        tuple(CardState.AWAITING_ACTIVATION, "ready for collection at the bank branch"));
    assertThat(cases.get("SC-READY-1").status()).isEqualTo(CaseStatus.CARD_READY);
  }

  @Test
  void aSecondReportOfTheSameCardChangesNothing() {
    Card c = inProduction("SC-READY-2");
    cards.markProduced("SC-READY-2", "B12345678", CardLifecycle.Ready.AT_COUNTER);
    int caseEntries = audit.count(AuditTrail.ofCase("SC-READY-2"));
    int cardEntries = audit.count(CardLifecycle.subject(c.cardId()));
    int transitions = cards.history(c.cardId()).size();

    // the bank reports the card made twice (at least once delivery), the second time with another number
    Card again = cards.markProduced("SC-READY-2", "C99999999", CardLifecycle.Ready.AT_COUNTER);
    assertThat(again.state()).isEqualTo(CardState.AWAITING_ACTIVATION);
    assertThat(again.cardNumber()).as("the first number stays").isEqualTo("B12345678");
    assertThat(cards.history(c.cardId())).hasSize(transitions);
    assertThat(audit.count(AuditTrail.ofCase("SC-READY-2"))).as("no second audit entry on the case").isEqualTo(caseEntries);
    assertThat(audit.count(CardLifecycle.subject(c.cardId()))).isEqualTo(cardEntries);
    assertThat(cards.history(c.cardId())).extracting(CardTransition::reason)
        .contains("the bank reported the replacement made", "ready for pickup at the counter");
  }

  @Test
  void aCardNotInProductionIsNotMadeReadyAndNothingIsKept() {
    TestDatabase.insertCase("SC-READY-3", "11010519491231002X");
    Card c = cards.openFor("SC-READY-3", "11010519491231002X", "王小明", "ICBC", null, "web-portal", "web-portal");
    assertThatThrownBy(() -> cards.markProduced("SC-READY-3", "D12345678", CardLifecycle.Ready.AT_BANK_BRANCH))
        .isInstanceOf(IllegalCardTransition.class);
    assertThat(cards.find(c.cardId()).orElseThrow().cardNumber()).isNull();
    assertThat(cards.find(c.cardId()).orElseThrow().state()).isEqualTo(CardState.APPLIED);
    assertThat(cases.get("SC-READY-3").status()).isNotEqualTo(CaseStatus.CARD_READY);
  }
}
