package org.cardcase.simulators;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import javax.imageio.ImageIO;
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
 * The ID card photo matches the registry's photo (0.95; 0.97 for 996-999) except for 940-949 (0.35: a
 * clerk compares); a portrait that is the registry's own photo on file matches it (0.99). The photo
 * on file is a generated 358x441 PNG, the same bytes for the same ID number; none for 990-994.
 * The household check goes by the child's sequence code: 950-959 not on the parent's register,
 * 960-969 the registry cannot tell (a clerk reviews), anything else on the parent's register.
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
  public Answer verify(String idNumber, String name, byte[] portrait, byte[] idCardPhoto) {
    Answer a = verify(idNumber, name, portrait);
    if (a.match() == Match.NO_MATCH) {
      return a;
    }
    int seq = IdNumber.sequenceCode(idNumber);
    double idCard = seq >= 940 && seq <= 949 ? 0.35 : seq >= 996 ? 0.97 : 0.95;
    double photo = portrait != null && Arrays.equals(portrait, photoOnFile(idNumber)) ? 0.99 : a.photoSimilarity();
    return new Answer(Match.MATCH, photo, idCard);
  }

  @Override
  public byte[] photoOnFile(String idNumber) {
    int seq = IdNumber.sequenceCode(idNumber);
    if (seq >= 990 && seq <= 994) {
      return null;
    }
    if (seq == 995 || seq == 997) {
      throw new Unavailable("population registry simulator: service unavailable (test identity " + seq + ")");
    }
    // a plain portrait-sized picture, different for each person and the same every time for one
    BufferedImage img = new BufferedImage(358, 441, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    int h = idNumber.hashCode();
    g.setColor(new Color(230, 236, 245));
    g.fillRect(0, 0, 358, 441);
    g.setColor(new Color(90 + (h & 63), 70 + ((h >> 6) & 63), 60 + ((h >> 12) & 63)));
    g.fillOval(109, 80, 140, 170);
    g.fillRoundRect(59, 260, 240, 181, 80, 80);
    g.dispose();
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      ImageIO.write(img, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
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

  @Override
  public Household household(String parentIdNumber, String childIdNumber) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    }
    int seq = IdNumber.sequenceCode(childIdNumber);
    if (seq >= 950 && seq <= 959) {
      return Household.DIFFERENT;
    }
    return seq >= 960 && seq <= 969 ? Household.UNKNOWN : Household.SAME;
  }
}
