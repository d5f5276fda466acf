package org.cardcase.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.FlowTest.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.cardcase.FlowTestApplication;
import org.cardcase.application.CardApplication;
import org.cardcase.application.CardApplications;
import org.cardcase.infra.TestPorts;
import org.cardcase.infra.engine.EmbeddedEngine;
import org.cardcase.shared.IdNumber;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A heal that backs off. The engine is gone and its gRPC port is held by
 * someone else, so no new engine can start: the supervisor tries again and again, one attempt at a
 * time, each after twice the wait of the one before (up to the ceiling), logs one ERROR per attempt
 * (not one per probe, although probes run every 200 ms), says so in its status, and uses up no
 * generation number; once the port is free the next attempt starts the engine as the very next
 * generation, and the cases (one waiting before the outage, one applied for during it) run on it.
 *
 * <p>The hold and the backoff are short by default; {@code -Dheal.hold=PT2M
 * -Dheal.backoff.initial=2s -Dheal.backoff.max=5m} runs the two minutes with the defaults.
 */
@SpringBootTest(classes = FlowTestApplication.class, properties = {
    "cardcase.search.mode=external", "cardcase.search.url=http://127.0.0.1:9", "cardcase.search.outbox-interval=1h",
    "cardcase.simulators.registry.delay=20ms", "cardcase.simulators.bank.produce-after=500ms",
    "cardcase.simulators.provincial-centre.delay=10ms", "cardcase.simulators.sms.delay=1ms",
    "cardcase.recovery.sweep-interval=1s", "cardcase.demo-accounts=true", "cardcase.jobs.poll-interval=500ms",
    "cardcase.engine.probe.interval=200ms"})
class EngineHealBackoffTest {
  static final Duration HOLD = Duration.parse(System.getProperty("heal.hold", "PT9S"));
  static final Duration INITIAL = duration(System.getProperty("heal.backoff.initial", "300ms"));
  static final Duration MAX = duration(System.getProperty("heal.backoff.max", "2s"));
  static int enginePort;

  @DynamicPropertySource
  static void ports(DynamicPropertyRegistry r) {
    enginePort = TestPorts.free();
    r.add("cardcase.data-dir", () -> Path.of("target", "heal-test-" + System.nanoTime()).toString());
    r.add("cardcase.postgres.port", TestPorts::free);
    r.add("cardcase.engine.port", () -> enginePort);
    r.add("cardcase.engine.heal-backoff.initial", () -> INITIAL.toMillis() + "ms");
    r.add("cardcase.engine.heal-backoff.max", () -> MAX.toMillis() + "ms");
  }

  @Autowired EngineSupervisor supervisor;
  @Autowired EmbeddedEngine engine;
  @Autowired CardApplications applications;
  @Autowired JdbcClient jdbc;

  @Test
  void anEngineThatCannotStartIsTriedAgainWithGrowingWaitsOneAttemptAtATimeAndUsesNoGeneration() throws Exception {
    await("engine up", Duration.ofSeconds(30), () -> supervisor.status().serving());
    long before = lastGeneration();
    String waiting = apply("19800101", "231");
    await("case " + waiting + " waits in the engine", Duration.ofSeconds(30), () -> jdbc.sql("""
        select count(*) from process_link where case_number = ? and process_instance_key is not null
          and wait_element is not null and engine_generation = ?""").params(waiting, before).query(Long.class).single() == 1);

    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    ch.qos.logback.classic.Logger supervisorLog = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(EngineSupervisor.class);
    supervisorLog.addAppender(logged);
    String during;
    long maxFailed = 0;
    try (ServerSocket squatter = new ServerSocket()) {
      // the engine goes away and, before any heal can start an engine (start is synchronized on
      // it), someone else takes its port
      synchronized (engine) {
        engine.stop();
        squatter.bind(new InetSocketAddress("127.0.0.1", enginePort));
      }
      // the status is what the last probe saw: give the next probe (every 200 ms) time to notice
      await("the supervisor notices the engine is gone", Duration.ofSeconds(10), () -> !supervisor.status().serving());
      long heldFrom = System.nanoTime();
      // work arriving meanwhile is stored and answered
      during = apply("19800102", "232");
      while (System.nanoTime() - heldFrom < HOLD.toNanos()) {
        EngineSupervisor.Status s = supervisor.status();
        assertThat(s.serving()).as("no engine can serve while its port is taken").isFalse();
        assertThat(s.failedAttempts()).as("failed attempts never go down during the outage").isGreaterThanOrEqualTo((int) maxFailed);
        maxFailed = s.failedAttempts();
        assertThat(lastGeneration()).as("no generation is used up by a failed start").isEqualTo(before);
        Thread.sleep(50);
      }
      EngineSupervisor.Status down = supervisor.status();
      assertThat(down.state()).isIn(EngineSupervisor.State.DOWN, EngineSupervisor.State.HEALING);
      assertThat(down.lastAttemptError()).contains("could not listen on 127.0.0.1:" + enginePort);
      assertThat(down.nextAttemptAt()).isAfter(Instant.now().minusSeconds(1));
      assertThat(down.reason()).contains("could not be started");
    }
    // the port is free: the next attempt (at most the ceiling away) starts the engine
    long freedAt = System.nanoTime();
    await("engine up again", MAX.plusSeconds(30), () -> supervisor.status().serving());
    long backAfter = (System.nanoTime() - freedAt) / 1_000_000;
    supervisorLog.detachAppender(logged);

    List<ILoggingEvent> failures = logged.list.stream()
        .filter(e -> e.getLevel() == Level.ERROR && e.getFormattedMessage().startsWith("ENGINE START FAILED")).toList();
    List<ILoggingEvent> errors = logged.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    // one ERROR when the engine was found gone, then one per failed attempt, none per probe
    assertThat(errors).hasSize(failures.size() + 1);
    assertThat(errors.getFirst().getFormattedMessage()).startsWith("ENGINE FAILED");
    assertThat(failures.size()).as("several failed attempts").isGreaterThanOrEqualTo(4);
    assertThat(failures.size()).as("attempt n is the last to fail, as its status said").isGreaterThanOrEqualTo((int) maxFailed);
    // each wait is the backoff of its attempt: growing by doubling up to the ceiling, never shortened
    // by a probe (a heal started by a probe would show as a gap shorter than the backoff)
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < failures.size(); i++) {
      long gap = failures.get(i).getTimeStamp() - failures.get(i - 1).getTimeStamp();
      gaps.add(gap);
      long expected = supervisor.backoff(i).toMillis();
      assertThat(gap).as("wait after failed attempt %d (gaps so far %s)", i, gaps).isGreaterThanOrEqualTo(expected - 20)
          .isLessThan(expected + 1500);
      if (i >= 2 && supervisor.backoff(i).compareTo(supervisor.backoff(i - 1)) > 0) {
        assertThat(gap).as("the waits grow: %s", gaps).isGreaterThan(gaps.get(i - 2));
      }
    }
    for (int i = 0; i < failures.size(); i++) {
      assertThat(failures.get(i).getFormattedMessage()).contains("(attempt " + (i + 1) + ", as generation " + (before + 1)
          + ", which stays unused)").contains("Address already in use");
    }
    // only the engine that started took a generation: the very next one, which took them all
    assertThat(lastGeneration()).isEqualTo(before + 1);
    Map<String, Object> row = jdbc.sql("select reason, attempts from engine_generation where generation = ?")
        .param(before + 1).query().singleRow();
    assertThat(row.get("reason")).isEqualTo("HEAL");
    assertThat(((Number) row.get("attempts")).intValue()).isEqualTo(failures.size() + 1);
    EngineSupervisor.Status up = supervisor.status();
    assertThat(up.generation()).isEqualTo(before + 1);
    assertThat(up.failedAttempts()).isZero();
    assertThat(up.lastAttemptError()).isNull();
    assertThat(up.nextAttemptAt()).isNull();
    // nothing lost: the case that waited is resumed and the one applied for meanwhile is started, on the new generation
    for (String cn : List.of(waiting, during)) {
      await(cn + " runs on generation " + (before + 1), Duration.ofSeconds(60), () -> jdbc.sql("""
          select count(*) from process_link where case_number = ? and process_instance_key is not null
            and engine_generation = ?""").params(cn, before + 1).query(Long.class).single() == 1);
    }
    // the generation budget is said early: an installation that has used up most of it (its last
    // generation 1 990) is told so at its next start, in the log and in the status, while cases go on
    assertThat(EngineSupervisor.LAST_GENERATION).isEqualTo(EmbeddedEngine.LAST_GENERATION);
    assertThat(EngineSupervisor.generationWarning(up.generation())).isNull();
    jdbc.sql("insert into engine_generation (generation, reason) values (1990, 'START')").update();
    ListAppender<ILoggingEvent> budget = new ListAppender<>();
    budget.start();
    supervisorLog.addAppender(budget);
    supervisor.replace("generation budget check");
    supervisorLog.detachAppender(budget);
    assertThat(supervisor.status().generation()).isEqualTo(1991);
    assertThat(EngineSupervisor.generationsLeft(1991)).isEqualTo(56);
    assertThat(budget.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage))
        .anyMatch(m -> m.startsWith("ENGINE GENERATIONS RUNNING LOW: generation 1991 of 2047, 56 starts or heals left"));
    await(waiting + " runs on generation 1991", Duration.ofSeconds(60), () -> jdbc.sql("""
        select count(*) from process_link where case_number = ? and process_instance_key is not null
          and engine_generation = 1991""").param(waiting).query(Long.class).single() == 1);
    List<Long> backoffs = new ArrayList<>();
    for (int i = 1; i <= failures.size(); i++) {
      backoffs.add(supervisor.backoff(i).toMillis());
    }
    System.out.printf("heal backoff: port held %d s, %d failed attempts, backoffs %s ms, from one failure to the next %s ms, "
        + "engine serving %d ms after the port was freed; generation %d -> %d (attempts %s)%n", HOLD.toSeconds(),
        failures.size(), backoffs, gaps, backAfter, before, before + 1, row.get("attempts"));
  }

  /** "300ms", "2s", "5m". */
  static Duration duration(String text) {
    String t = text.strip();
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    if (t.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
    }
    return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
  }

  private long lastGeneration() {
    return jdbc.sql("select coalesce(max(generation), 0) from engine_generation").query(Long.class).single();
  }

  private String apply(String birth, String seq) throws Exception {
    String first17 = "110105" + birth + seq;
    String idNumber = first17 + IdNumber.checkCharacter(first17);
    String sex = IdNumber.check(idNumber, LocalDate.now()).idNumber().sex().name();
    return applications.submit(new CardApplication("王测试", idNumber, sex, "13812345678", "ICBC", "web-portal",
        png(400, 500), png(700, 450), null), "web-portal");
  }

  private static String png(int w, int h) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.DARK_GRAY);
    g.fillOval(w / 4, h / 6, w / 2, h / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }
}
