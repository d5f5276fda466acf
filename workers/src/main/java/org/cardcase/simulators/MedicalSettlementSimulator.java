package org.cardcase.simulators;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.cardcase.loss.MedicalSettlement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * SIMULATOR of the medical settlement system: keeps which cards are stopped (in
 * {@code sim_settlement_card}, so a stopped card stays stopped across restarts), answers after a
 * delay, and refuses every n-th call ({@code fail-every}) like a busy service. Stopping a stopped
 * card answers with the same reference: it is never stopped twice.
 */
@Component
@ConditionalOnProperty(name = "cardcase.simulators.enabled", havingValue = "true", matchIfMissing = true)
public class MedicalSettlementSimulator implements MedicalSettlement {
  private static final Logger log = LoggerFactory.getLogger(MedicalSettlementSimulator.class);
  private final JdbcClient jdbc;
  private final AtomicInteger calls = new AtomicInteger();
  private final Duration delay;
  private final int failEvery;

  public MedicalSettlementSimulator(JdbcClient jdbc, @Value("${cardcase.simulators.settlement.delay:100ms}") Duration delay,
      @Value("${cardcase.simulators.settlement.fail-every:0}") int failEvery) {
    this.jdbc = jdbc;
    this.delay = delay;
    this.failEvery = failEvery;
  }

  @Override
  public String stop(String cardId, String reason) {
    call();
    int changed = jdbc.sql("""
        insert into sim_settlement_card (card_id, stopped, reference, stops) values (?, true, ?, 1)
        on conflict (card_id) do update set stopped = true, stops = sim_settlement_card.stops + 1, changed_at = now()
          where not sim_settlement_card.stopped""").params(cardId, "STL-STOP-" + cardId).update();
    if (changed > 0) {
      log.info("settlement simulator: card {} stopped ({})", cardId, reason);
    }
    return "STL-STOP-" + cardId;
  }

  @Override
  public String resume(String cardId, String reason) {
    call();
    if (jdbc.sql("update sim_settlement_card set stopped = false, changed_at = now() where card_id = ? and stopped")
        .param(cardId).update() > 0) {
      log.info("settlement simulator: card {} settles again ({})", cardId, reason);
    }
    return "STL-RESUME-" + cardId;
  }

  @Override
  public boolean settles(String cardId) {
    return !jdbc.sql("select coalesce(bool_or(stopped), false) from sim_settlement_card where card_id = ?").param(cardId)
        .query(Boolean.class).single();
  }

  /** How many stops actually happened (a repeated stop of a stopped card counts once). */
  public int stopsMade() {
    return jdbc.sql("select coalesce(sum(stops), 0) from sim_settlement_card").query(Integer.class).single();
  }

  private void call() {
    int n = calls.incrementAndGet();
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failEvery > 0 && n % failEvery == 0) {
      throw new IllegalStateException("settlement simulator: busy (call " + n + ")");
    }
  }
}
