package org.cardcase.production;

import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.cardcase.flow.MessageInbox;
import org.cardcase.processes.CardProductionProcess;
import org.cardcase.reference.Channels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * SIMULATOR of the issuing banks' card factories. It acknowledges an order at once and reports
 * the card made {@code produce-after} later, through the same inbox a real bank's HTTP callback
 * reaches, and (like real banks retrying on a slow acknowledgement) sends that callback twice
 * unless {@code duplicate-callbacks=false}. The identity number's sequence code selects the
 * unhappy paths, as with the registry simulator:
 * <ul>
 *   <li>980-984: the bank is late: no callback comes by itself (send one to {@code /api/callbacks/card-produced});</li>
 *   <li>985-989: the bank refuses the order (the step's retries run out and an incident is raised).</li>
 * </ul>
 * Orders live in memory: after a restart a bank's pending callbacks are not sent again.
 */
@Component
public class IssuingBankSimulator implements IssuingBank {
  private static final Logger log = LoggerFactory.getLogger(IssuingBankSimulator.class);
  private final Map<String, String> orders = new ConcurrentHashMap<>();
  private final ScheduledExecutorService callbacks = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "issuing-bank-simulator");
    t.setDaemon(true);
    return t;
  });
  private final MessageInbox inbox;
  private final Duration produceAfter;
  private final boolean duplicates;

  public IssuingBankSimulator(@Lazy MessageInbox inbox,
      @Value("${cardcase.simulators.bank.produce-after:5s}") Duration produceAfter,
      @Value("${cardcase.simulators.bank.duplicate-callbacks:true}") boolean duplicates) {
    this.inbox = inbox;
    this.produceAfter = produceAfter;
    this.duplicates = duplicates;
  }

  @Override
  public String order(CardOrder order) {
    int seq = org.cardcase.identity.IdNumber.sequenceCode(order.idNumber());
    if (seq >= 985 && seq <= 989) {
      throw new IllegalStateException("issuing bank simulator: " + order.issuingBank() + " refused the order (test identity " + seq + ")");
    }
    String existing = orders.putIfAbsent(order.cardId(), order.issuingBank() + "-ORD-" + order.cardId());
    String ref = orders.get(order.cardId());
    if (existing != null) {
      return ref; // the same card ordered again: same order, no second card
    }
    if (seq >= 980 && seq <= 984) {
      log.info("issuing bank simulator: order {} accepted; this bank will be late (no callback)", ref);
      return ref;
    }
    String cardNumber = "A" + order.cardId().replaceAll("\\D", "").substring(0, 8);
    Runnable callback = () -> {
      try {
        inbox.receive("bank-" + ref, CardProductionProcess.MSG_CARD_PRODUCED, order.caseNumber(), Channels.CARD_PRODUCTION,
            Map.of(CardProductionProcess.VAR_CARD_NUMBER, cardNumber, "bankOrder", ref));
      } catch (RuntimeException e) {
        log.warn("issuing bank simulator: callback for {} failed: {}", ref, e.getMessage());
      }
    };
    callbacks.schedule(callback, produceAfter.toMillis(), TimeUnit.MILLISECONDS);
    if (duplicates) {
      callbacks.schedule(callback, produceAfter.toMillis() + 300, TimeUnit.MILLISECONDS);
    }
    log.info("issuing bank simulator: order {} accepted, card {} made in {}", ref, cardNumber, produceAfter);
    return ref;
  }

  @PreDestroy
  void stop() {
    callbacks.shutdownNow();
  }
}
