package org.cardcase.settlement;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * SIMULATOR of the medical settlement system: keeps which cards are stopped (in memory), answers
 * after a delay, and refuses every n-th call ({@code fail-every}) like a busy service. Stopping a
 * stopped card answers with the same reference: it is never stopped twice.
 */
@Component
public class MedicalSettlementSimulator implements MedicalSettlement {
  private static final Logger log = LoggerFactory.getLogger(MedicalSettlementSimulator.class);
  private final Map<String, String> stopped = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger stops = new AtomicInteger();
  private final Duration delay;
  private final int failEvery;

  public MedicalSettlementSimulator(@Value("${cardcase.simulators.settlement.delay:100ms}") Duration delay,
      @Value("${cardcase.simulators.settlement.fail-every:0}") int failEvery) {
    this.delay = delay;
    this.failEvery = failEvery;
  }

  @Override
  public String stop(String cardId, String reason) {
    call();
    String ref = stopped.computeIfAbsent(cardId, k -> {
      stops.incrementAndGet();
      log.info("settlement simulator: card {} stopped ({})", cardId, reason);
      return "STL-STOP-" + cardId;
    });
    return ref;
  }

  @Override
  public String resume(String cardId, String reason) {
    call();
    if (stopped.remove(cardId) != null) {
      log.info("settlement simulator: card {} settles again ({})", cardId, reason);
    }
    return "STL-RESUME-" + cardId;
  }

  @Override
  public boolean settles(String cardId) {
    return !stopped.containsKey(cardId);
  }

  /** How many stops actually happened (a repeated stop of one card counts once). */
  public int stopsMade() {
    return stops.get();
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
