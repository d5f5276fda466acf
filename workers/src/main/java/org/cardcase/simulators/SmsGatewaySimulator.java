package org.cardcase.simulators;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.cardcase.notifications.SmsGateway;
import org.cardcase.shared.Masking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * SIMULATOR of the SMS gateway: nothing leaves this machine. It answers like a gateway (a message
 * id, after a short delay) and can refuse every n-th message to exercise retries. What was "sent"
 * is in table {@code notification}.
 */
@Component
@ConditionalOnProperty(name = "cardcase.simulators.enabled", havingValue = "true", matchIfMissing = true)
public class SmsGatewaySimulator implements SmsGateway {
  private static final Logger log = LoggerFactory.getLogger(SmsGatewaySimulator.class);
  private final AtomicLong sent = new AtomicLong();
  private final JdbcClient jdbc;
  private final long delayMs;
  private final int failEvery;

  public SmsGatewaySimulator(JdbcClient jdbc, @Value("${cardcase.simulators.sms.delay:50ms}") Duration delay,
      @Value("${cardcase.simulators.sms.fail-every:0}") int failEvery) {
    this.jdbc = jdbc;
    this.delayMs = delay.toMillis();
    this.failEvery = failEvery;
  }

  @Override
  public String send(String phone, String text) {
    long n = sent.incrementAndGet();
    try {
      Thread.sleep(delayMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failEvery > 0 && n % failEvery == 0) {
      throw new IllegalStateException("SMS gateway simulator: temporarily unavailable (message " + n + ")");
    }
    // message ids go on across restarts, as a gateway's would
    long id = jdbc.sql("select nextval('sim_sms_message_id')").query(Long.class).single();
    log.debug("SMS gateway simulator: message {} to {} ({} characters)", id, Masking.phone(phone), text.length());
    return "SIM-SMS-" + id;
  }
}
