package org.cardcase.simulators;

import java.time.Duration;
import org.cardcase.shared.IdNumber;
import org.cardcase.shared.Masking;
import org.cardcase.verification.PopulationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * SIMULATOR of the population registry (real-name verification). It picks its answer by the ID
 * number's sequence code (digits 15-17), like a payment provider's test cards:
 * <ul>
 *   <li>990-994: no such resident;</li>
 *   <li>995, 997: the registry is unavailable (the step's retries run out: an incident);</li>
 *   <li>996: unavailable for the first three calls, then a match with a clearly similar photo (an
 *       outage that outlasts the step's three attempts: an incident, which a supervisor's retry ends);</li>
 *   <li>998: unavailable for the first two calls, then a match (a transient outage; the calls are
 *       counted in {@code sim_registry_call}, so a restart does not reset the outage);</li>
 *   <li>999: a match with a clearly similar photo (verified automatically);</li>
 *   <li>anything else: a match whose photo similarity is {@code cardcase.simulators.registry.photo-similarity}
 *       (0.72 by default: inconclusive, so a clerk compares the photos).</li>
 * </ul>
 * Every answer comes after {@code cardcase.simulators.registry.delay}.
 */
@Component
@ConditionalOnProperty(name = "cardcase.simulators.enabled", havingValue = "true", matchIfMissing = true)
public class PopulationRegistrySimulator implements PopulationRegistry {
  private static final Logger log = LoggerFactory.getLogger(PopulationRegistrySimulator.class);
  private final JdbcClient jdbc;
  private final Duration delay;
  private final double similarity;

  public PopulationRegistrySimulator(JdbcClient jdbc, @Value("${cardcase.simulators.registry.delay:300ms}") Duration delay,
      @Value("${cardcase.simulators.registry.photo-similarity:0.72}") double similarity) {
    this.jdbc = jdbc;
    this.delay = delay;
    this.similarity = similarity;
  }

  @Override
  public Answer verify(String idNumber, String name, byte[] portrait) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    }
    int seq = IdNumber.sequenceCode(idNumber);
    log.debug("population registry simulator: {} (sequence {})", Masking.idNumber(idNumber), seq);
    if (seq == 995 || seq == 997) {
      throw new Unavailable("population registry simulator: service unavailable (test identity " + seq + ")");
    }
    if (seq == 996 || seq == 998) {
      int call = jdbc.sql("""
          insert into sim_registry_call (id_number, calls) values (?, 1)
          on conflict (id_number) do update set calls = sim_registry_call.calls + 1 returning calls""")
          .param(idNumber).query(Integer.class).single();
      if (call <= (seq == 996 ? 3 : 2)) {
        throw new Unavailable("population registry simulator: timeout (call " + call + ", test identity " + seq + ")");
      }
    }
    if (seq >= 990 && seq <= 994) {
      return new Answer(Match.NO_MATCH, 0);
    }
    return new Answer(Match.MATCH, seq >= 996 ? 0.97 : similarity);
  }
}
