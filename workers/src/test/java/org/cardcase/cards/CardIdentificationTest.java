package org.cardcase.cards;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.cardcase.TestDatabase;
import org.cardcase.audit.AuditTrail;
import org.cardcase.audit.TestAuditKeys;
import org.cardcase.cases.CaseRepository;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

/** A card read at a self-service terminal identifies its holder only while it is in use; on a real PostgreSQL. */
class CardIdentificationTest {
  static final String HOLDER = "11010519491231002X";
  static CardLifecycle cards;
  static CardIdentification identification;
  static TransactionTemplate tx;

  @BeforeAll
  static void setUp() {
    AuditTrail audit = new AuditTrail(TestDatabase.jdbc(), Clock.systemUTC(), TestAuditKeys.KEYS);
    cards = new CardLifecycle(TestDatabase.jdbc(), TestDatabase.tx(), audit, new CaseRepository(TestDatabase.jdbc(), audit), Clock.systemUTC());
    identification = new CardIdentification(cards);
    tx = TestDatabase.tx();
  }

  /** A card with a printed number, moved along the lifecycle to {@code to}. */
  private Card cardIn(String caseNumber, String cardNumber, CardState... path) {
    TestDatabase.insertCase(caseNumber, HOLDER);
    Card c = tx.execute(s -> cards.openFor(caseNumber, HOLDER, "王小明", "ICBC", null, "web-portal", "web-portal"));
    tx.executeWithoutResult(s -> cards.recordNumbers(c.cardId(), cardNumber, null));
    for (CardState to : path) {
      tx.executeWithoutResult(s -> cards.move(c.cardId(), to, "clerk", "counter", "test", "to-" + to));
    }
    return cards.find(c.cardId()).orElseThrow();
  }

  @Test
  void aCardInUseIdentifiesItsHolderAsTheReaderOrKeypadGivesIt() {
    Card c = cardIn("SC-IDENT-1", "I10000001", CardState.IN_PRODUCTION, CardState.PRODUCED, CardState.AWAITING_ACTIVATION,
        CardState.ACTIVE);
    assertThat(identification.byCardNumber(" i10000001 ")).isInstanceOfSatisfying(CardIdentification.Identified.class,
        i -> assertThat(i.card().holderIdNumber()).isEqualTo(HOLDER));
    assertThat(identification.byCardNumber(c.cardNumber())).isInstanceOf(CardIdentification.Identified.class);
  }

  @Test
  void aCardReportedLostSuspendedCancelledOrNotYetActivatedIdentifiesNobodyAndSaysWhy() {
    cardIn("SC-IDENT-2", "I10000002", CardState.IN_PRODUCTION, CardState.PRODUCED, CardState.AWAITING_ACTIVATION,
        CardState.ACTIVE, CardState.SUSPENDED);
    cardIn("SC-IDENT-3", "I10000003", CardState.IN_PRODUCTION, CardState.PRODUCED, CardState.AWAITING_ACTIVATION,
        CardState.ACTIVE, CardState.LOST);
    cardIn("SC-IDENT-4", "I10000004", CardState.IN_PRODUCTION, CardState.PRODUCED, CardState.AWAITING_ACTIVATION,
        CardState.ACTIVE, CardState.LOST, CardState.REPLACED, CardState.CANCELLED);
    cardIn("SC-IDENT-5", "I10000005", CardState.IN_PRODUCTION, CardState.PRODUCED, CardState.AWAITING_ACTIVATION);
    cardIn("SC-IDENT-6", "I10000006", CardState.IN_PRODUCTION, CardState.PRODUCED, CardState.AWAITING_ACTIVATION,
        CardState.ACTIVE, CardState.LOST, CardState.REPLACED);
    assertThat(identification.byCardNumber("I10000002")).isEqualTo(new CardIdentification.Refused(CardState.SUSPENDED));
    assertThat(identification.byCardNumber("I10000003")).isEqualTo(new CardIdentification.Refused(CardState.LOST));
    assertThat(identification.byCardNumber("I10000004")).isEqualTo(new CardIdentification.Refused(CardState.CANCELLED));
    assertThat(identification.byCardNumber("I10000005")).isEqualTo(new CardIdentification.Refused(CardState.AWAITING_ACTIVATION));
    assertThat(identification.byCardNumber("I10000006")).isEqualTo(new CardIdentification.Refused(CardState.REPLACED));
  }

  @Test
  void aNumberNoCardHasIsUnknown() {
    assertThat(identification.byCardNumber("Z99999999")).isInstanceOf(CardIdentification.Unknown.class);
    assertThat(identification.byCardNumber("  ")).isInstanceOf(CardIdentification.Unknown.class);
    assertThat(identification.byCardNumber(null)).isInstanceOf(CardIdentification.Unknown.class);
  }

  @Test
  void onlyTheHoldersOwnIdNumberIsTheirs() {
    assertThat(CardIdentification.isHoldersIdNumber(HOLDER, " 11010519491231002x ")).isTrue();
    assertThat(CardIdentification.isHoldersIdNumber(HOLDER, "110105194912310011")).isFalse();
    assertThat(CardIdentification.isHoldersIdNumber(HOLDER, "")).isFalse();
    assertThat(CardIdentification.isHoldersIdNumber(HOLDER, null)).isFalse();
    assertThat(CardIdentification.isHoldersIdNumber(null, HOLDER)).isFalse();
  }
}
