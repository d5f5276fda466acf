package org.cardcase.simulators;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.Assertions;
import org.cardcase.TestDatabase;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.flow.MessageInbox;
import org.cardcase.production.CardOrder;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The simulators behave like the outside systems they stand for, which do not forget when we
 * restart: a "restart" here is a new simulator object over the same PostgreSQL.
 */
class SimulatorStateTest {
  final JdbcClient jdbc = TestDatabase.jdbc();

  @Test
  void aStoppedCardStaysStoppedAfterARestartAndIsStoppedOnlyOnce() {
    String card = "CARD-" + UUID.randomUUID();
    MedicalSettlementSimulator before = new MedicalSettlementSimulator(jdbc, Duration.ZERO, 0);
    assertThat(before.settles(card)).isTrue();
    before.stop(card, "provisional loss report");
    int stops = before.stopsMade();

    MedicalSettlementSimulator after = new MedicalSettlementSimulator(jdbc, Duration.ZERO, 0);
    assertThat(after.settles(card)).as("a lost card does not settle again after a restart").isFalse();
    after.stop(card, "the same step, delivered again");
    assertThat(after.stopsMade()).as("a retried stop is not a second stop").isEqualTo(stops);
    after.resume(card, "card found");
    assertThat(new MedicalSettlementSimulator(jdbc, Duration.ZERO, 0).settles(card)).isTrue();
  }

  /** Records what the bank tells us instead of handing it to an engine. */
  static class Received extends MessageInbox {
    final List<String> messages = new ArrayList<>();

    Received() {
      super(null, null, null, null, null, null);
    }

    @Override
    public boolean receive(String messageId, String name, String caseNumber, String sender, Map<String, Object> variables) {
      messages.add(messageId + " " + name + " " + caseNumber + " " + variables.get("cardNumber"));
      return true;
    }
  }

  @Test
  void aBankSendsTheCallbacksItOwedBeforeARestart() throws Exception {
    String cardId = "C" + (100_000_000L + System.nanoTime() % 900_000_000L);
    String caseNumber = "SC-SIM-" + cardId;
    Received beforeRestart = new Received();
    IssuingBankSimulator bank = new IssuingBankSimulator(jdbc, beforeRestart, Duration.ofSeconds(3), true);
    byte[] portrait = "a portrait".getBytes(StandardCharsets.UTF_8);
    // a producer refuses an order without the holder's photo: no photo, no card
    Assertions.assertThatThrownBy(() -> bank.order(new CardOrder(caseNumber, cardId, "王小明",
        "11010519491231001X", "ICBC", null, new byte[0]))).hasMessageContaining("no photo");
    String ref = bank.order(new CardOrder(caseNumber, cardId, "王小明", "11010519491231001X", "ICBC", null, portrait));
    assertThat(bank.order(new CardOrder(caseNumber, cardId, "王小明", "11010519491231001X", "ICBC", null, portrait)))
        .as("the same card ordered again is the same order").isEqualTo(ref);
    // the application stops before the card is made: nothing was sent
    bank.sendDueCallbacks();
    assertThat(beforeRestart.messages).isEmpty();

    Received afterRestart = new Received();
    IssuingBankSimulator restarted = new IssuingBankSimulator(jdbc, afterRestart, Duration.ofSeconds(3), true);
    assertThat(restarted.portraitDigestOf(cardId)).as("the digest of the photo it was sent, kept across a restart")
        .contains(CaseDocuments.sha256(portrait));
    long until = System.currentTimeMillis() + 15_000;
    while (afterRestart.messages.size() < 2 && System.currentTimeMillis() < until) {
      restarted.sendDueCallbacks();
      Thread.sleep(100);
    }
    // the card-produced callback, then the duplicate a real bank sends, both with the same id
    assertThat(afterRestart.messages).hasSize(2).allMatch(m -> m.startsWith("bank-" + ref + " card-produced " + caseNumber + " A"));
    restarted.sendDueCallbacks();
    assertThat(afterRestart.messages).as("nothing more is owed").hasSize(2);
  }
}
