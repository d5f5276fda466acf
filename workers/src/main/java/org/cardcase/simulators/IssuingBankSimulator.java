package org.cardcase.simulators;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.flow.MessageInbox;
import org.cardcase.shared.IdNumber;
import org.cardcase.processes.CardProductionProcess;
import org.cardcase.production.CardOrder;
import org.cardcase.production.IssuingBank;
import org.cardcase.access.ChannelClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Lazy;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * SIMULATOR of the issuing banks' card production: takes an order (the same order for the same
 * card), makes the card after {@code produce-after}, then calls back {@code card-produced}, twice
 * when {@code duplicate-callbacks} is on, as real banks sometimes do. Orders and owed callbacks are
 * kept in {@code sim_bank_order}: a restart does not make a bank forget a card it is making.
 * By the ID number's sequence code:
 * <ul>
 *   <li>980-984: the bank is late: no callback comes by itself (send one to {@code /api/callbacks/card-produced});</li>
 *   <li>985-989: the bank refuses the order (the step's retries run out and an incident is raised).</li>
 *   <li>a reorder (a supervisor's decision on the production-overdue alert) makes any order's card, late or not.</li>
 * </ul>
 */
@Component
@ConditionalOnProperty(name = "cardcase.simulators.enabled", havingValue = "true", matchIfMissing = true)
public class IssuingBankSimulator implements IssuingBank {
  private static final Logger log = LoggerFactory.getLogger(IssuingBankSimulator.class);
  /** A duplicate callback follows the first one this much later. */
  private static final Duration DUPLICATE_AFTER = Duration.ofMillis(300);
  private final JdbcClient jdbc;
  private final MessageInbox inbox;
  private final Duration produceAfter;
  private final boolean duplicates;

  public IssuingBankSimulator(JdbcClient jdbc, @Lazy MessageInbox inbox,
      @Value("${cardcase.simulators.bank.produce-after:5s}") Duration produceAfter,
      @Value("${cardcase.simulators.bank.duplicate-callbacks:true}") boolean duplicates) {
    this.jdbc = jdbc;
    this.inbox = inbox;
    this.produceAfter = produceAfter;
    this.duplicates = duplicates;
  }

  @Override
  public String order(CardOrder order) {
    int seq = IdNumber.sequenceCode(order.idNumber());
    if (seq >= 985 && seq <= 989) {
      throw new IllegalStateException("issuing bank simulator: " + order.issuingBank() + " refused the order (test identity " + seq + ")");
    }
    // a real producer prints the holder's photo on the card: no photo, no card
    String digest = portraitDigest(order, "issuing bank simulator: " + order.issuingBank());
    boolean late = seq >= 980 && seq <= 984;
    String ref = order.issuingBank() + "-ORD-" + order.cardId();
    String cardNumber = "A" + order.cardId().replaceAll("\\D", "").substring(0, 8);
    int created = jdbc.sql("""
        insert into sim_bank_order (card_id, order_ref, case_number, issuing_bank, card_number, late, callback_at, callbacks_owed,
          portrait_sha256)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (card_id) do nothing""")
        .params(order.cardId(), ref, order.caseNumber(), order.issuingBank(), cardNumber, late,
            late ? null : Timestamp.from(Instant.now().plus(produceAfter)), late ? 0 : (duplicates ? 2 : 1), digest)
        .update();
    if (created == 0) {
      return jdbc.sql("select order_ref from sim_bank_order where card_id = ?").param(order.cardId())
          .query(String.class).single(); // the same card ordered again: same order, no second card
    }
    log.debug("issuing bank simulator: order {} accepted{}", ref, late ? "; this bank will be late (no callback)"
        : ", card " + cardNumber + " made in " + produceAfter);
    return ref;
  }

  /** The SHA-256 (hex) of the order's portrait; an order without one is refused, as a real producer refuses it. */
  static String portraitDigest(CardOrder order, String who) {
    if (order.portrait() == null || order.portrait().length == 0) {
      throw new IllegalStateException(who + " refused the order for card " + order.cardId() + ": no photo of the holder");
    }
    return CaseDocuments.sha256(order.portrait());
  }

  /** The digest of the portrait the bank was sent with the card's order (what it printed), if it has the order. */
  public Optional<String> portraitDigestOf(String cardId) {
    return jdbc.sql("select portrait_sha256 from sim_bank_order where card_id = ?").param(cardId).query(String.class).optional();
  }

  /** A reorder puts a lost or late order back into production: the card is made and reported like any other. */
  @Override
  public String reorder(CardOrder order, String reorderKey) {
    String ref = order(order);
    int n = jdbc.sql("""
        update sim_bank_order set reorder_key = ?, late = false, callback_at = ?, callbacks_owed = greatest(callbacks_owed, ?)
        where card_id = ? and reorder_key is distinct from ?""")
        .params(reorderKey, Timestamp.from(Instant.now().plus(produceAfter)), duplicates ? 2 : 1, order.cardId(), reorderKey)
        .update();
    if (n > 0) {
      log.info("issuing bank simulator: order {} placed again ({}), card made in {}", ref, reorderKey, produceAfter);
    }
    return ref;
  }

  private record Due(String cardId, String ref, String caseNumber, String cardNumber, int owed, String bank) {}

  /** Sends the callbacks that are due, also those owed from before a restart. */
  @Scheduled(fixedDelayString = "${cardcase.simulators.bank.callback-check:500ms}")
  public void sendDueCallbacks() {
    List<Due> due = jdbc.sql("""
        select card_id, order_ref, case_number, card_number, callbacks_owed, issuing_bank from sim_bank_order
        where callbacks_owed > 0 and callback_at <= now() order by callback_at limit 200""")
        .query((rs, i) -> new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
            rs.getString(6))).list();
    for (Due d : due) {
      try {
        // the bank's own partner client is the sender, as when a real bank calls back
        inbox.receive("bank-" + d.ref(), CardProductionProcess.MSG_CARD_PRODUCED, d.caseNumber(), ChannelClients.bankPartner(d.bank()),
            Map.of(CardProductionProcess.VAR_CARD_NUMBER, d.cardNumber(), "bankOrder", d.ref()));
      } catch (RuntimeException e) {
        log.warn("issuing bank simulator: callback for {} failed: {}; trying again", d.ref(), e.getMessage());
        continue;
      }
      jdbc.sql("update sim_bank_order set callbacks_owed = callbacks_owed - 1, callback_at = ? where card_id = ?")
          .params(Timestamp.from(Instant.now().plus(DUPLICATE_AFTER)), d.cardId()).update();
    }
  }
}
