package org.cardcase.production;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * SIMULATOR of the provincial card management system: answers after a delay with a receipt, the
 * same receipt for the same card, and refuses every n-th call ({@code fail-every}) like an
 * overloaded service, so the retries of the step are exercised.
 */
@Component
public class ProvincialCentreSimulator implements ProvincialCentre {
  private static final Logger log = LoggerFactory.getLogger(ProvincialCentreSimulator.class);
  private final Map<String, String> receipts = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final Duration delay;
  private final int failEvery;

  public ProvincialCentreSimulator(@Value("${cardcase.simulators.provincial-centre.delay:200ms}") Duration delay,
      @Value("${cardcase.simulators.provincial-centre.fail-every:0}") int failEvery) {
    this.delay = delay;
    this.failEvery = failEvery;
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
    String receipt = receipts.computeIfAbsent(order.cardId(), k -> "PRV-" + order.cardId());
    log.info("provincial centre simulator: card {} registered, receipt {}", order.cardId(), receipt);
    return receipt;
  }
}
