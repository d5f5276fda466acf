package org.cardcase.simulators;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.cardcase.production.CardOrder;
import org.cardcase.production.ProvincialCentre;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * SIMULATOR of the provincial card management system: answers after a delay with a receipt, the
 * same receipt for the same card (kept in {@code sim_provincial_receipt}, so also after a restart),
 * and refuses every n-th call ({@code fail-every}) like an overloaded service, so the retries of
 * the step are exercised.
 */
@Component
@ConditionalOnProperty(name = "cardcase.simulators.enabled", havingValue = "true", matchIfMissing = true)
public class ProvincialCentreSimulator implements ProvincialCentre {
  private static final Logger log = LoggerFactory.getLogger(ProvincialCentreSimulator.class);
  private final JdbcClient jdbc;
  private final AtomicInteger calls = new AtomicInteger();
  private final Duration delay;
  private final int failEvery;

  public ProvincialCentreSimulator(JdbcClient jdbc,
      @Value("${cardcase.simulators.provincial-centre.delay:200ms}") Duration delay,
      @Value("${cardcase.simulators.provincial-centre.fail-every:0}") int failEvery) {
    this.jdbc = jdbc;
    this.delay = delay;
    this.failEvery = failEvery;
  }

  /** The digest of the portrait registered with the card's data, if the centre has the card. */
  public Optional<String> portraitDigestOf(String cardId) {
    return jdbc.sql("select portrait_sha256 from sim_provincial_receipt where card_id = ?").param(cardId).query(String.class)
        .optional();
  }

  @Override
  public String submit(CardOrder order) {
    int n = calls.incrementAndGet();
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failEvery > 0 && n % failEvery == 0) {
      throw new IllegalStateException("provincial centre simulator: service busy (call " + n + ")");
    }
    String digest = IssuingBankSimulator.portraitDigest(order, "provincial centre simulator");
    jdbc.sql("""
        insert into sim_provincial_receipt (card_id, receipt, case_number, portrait_sha256) values (?, ?, ?, ?)
        on conflict do nothing""")
        .params(order.cardId(), "PRV-" + order.cardId(), order.caseNumber(), digest).update();
    String receipt = jdbc.sql("select receipt from sim_provincial_receipt where card_id = ?").param(order.cardId())
        .query(String.class).single();
    log.debug("provincial centre simulator: card {} registered, receipt {}", order.cardId(), receipt);
    return receipt;
  }
}
