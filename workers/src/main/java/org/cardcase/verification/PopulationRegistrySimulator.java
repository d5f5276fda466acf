package org.cardcase.verification;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.cardcase.privacy.Masking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * SIMULATOR of the population registry, shipped so the system runs end to end here. Like a
 * payment provider's test cards, the answer depends on the identity number's three-digit
 * sequence code (digits 15-17):
 * <ul>
 *   <li>990-994: no such resident (NO_MATCH);</li>
 *   <li>995-997: registry unavailable, always (the step's retries run out and an incident is raised);</li>
 *   <li>998: unavailable for the first two calls, then a match (a transient outage);</li>
 *   <li>999: a match with a clearly similar photo (verified automatically);</li>
 *   <li>anything else: a match whose photo similarity is {@code cardcase.simulators.registry.photo-similarity}
 *       (0.72 by default: inconclusive, so a clerk compares the photos).</li>
 * </ul>
 * Every answer comes after {@code cardcase.simulators.registry.delay}.
 */
@Component
public class PopulationRegistrySimulator implements PopulationRegistry {
  private static final Logger log = LoggerFactory.getLogger(PopulationRegistrySimulator.class);
  private final Duration delay;
  private final double similarity;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  public PopulationRegistrySimulator(@Value("${cardcase.simulators.registry.delay:300ms}") Duration delay,
      @Value("${cardcase.simulators.registry.photo-similarity:0.72}") double similarity) {
    this.delay = delay;
    this.similarity = similarity;
  }

  @Override
  public Answer verify(String idNumber, String name, byte[] portrait) {
    int call = calls.computeIfAbsent(idNumber, k -> new AtomicInteger()).incrementAndGet();
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    }
    int seq = org.cardcase.identity.IdNumber.sequenceCode(idNumber);
    log.info("population registry simulator: {} call {} (sequence {})", Masking.idNumber(idNumber), call, seq);
    if (seq >= 995 && seq <= 997) {
      throw new Unavailable("population registry simulator: service unavailable (test identity " + seq + ")");
    }
    if (seq == 998 && call <= 2) {
      throw new Unavailable("population registry simulator: timeout (call " + call + ", test identity 998)");
    }
    if (seq >= 990 && seq <= 994) {
      return new Answer(Match.NO_MATCH, 0);
    }
    return new Answer(Match.MATCH, seq == 999 || seq == 998 ? 0.97 : similarity);
  }
}
