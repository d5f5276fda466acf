package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;

import io.camunda.zeebe.protocol.record.Record;
import io.camunda.zeebe.protocol.record.ValueType;
import io.camunda.zeebe.protocol.record.intent.IncidentIntent;
import io.camunda.zeebe.protocol.record.value.IncidentRecordValue;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.cardcase.FlowTestApplication.MovableClock;
import org.cardcase.application.CardApplication;
import org.cardcase.application.CardApplications;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseRepository;
import org.cardcase.family.InsuredPersons;
import org.cardcase.flow.MessageInbox;
import org.cardcase.infra.TestPorts;
import org.cardcase.infra.engine.EmbeddedEngine;
import org.cardcase.notifications.Notifications;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.shared.IdNumber;
import org.cardcase.simulators.InsuredPersonsSimulator;
import org.cardcase.tasks.HumanTask;
import org.cardcase.tasks.TaskStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The workers on the in-process engine with the real adapters' simulators and a real PostgreSQL
 * (one Spring context for every flow test). The simulators pick their behaviour from the ID
 * number's sequence code (see PopulationRegistrySimulator and IssuingBankSimulator). Public, so that
 * each capability's flow tests live in that capability's package.
 */
@SpringBootTest(classes = FlowTestApplication.class, properties = {
    "cardcase.search.mode=external", "cardcase.search.url=http://127.0.0.1:9", "cardcase.search.outbox-interval=1h",
    "cardcase.simulators.registry.delay=20ms", "cardcase.simulators.bank.produce-after=500ms",
    "cardcase.simulators.provincial-centre.delay=10ms", "cardcase.simulators.sms.delay=1ms",
    "cardcase.jobs.retry-backoff=100ms", "cardcase.recovery.sweep-interval=1s", "cardcase.demo-accounts=true",
    "cardcase.engine.keep-records=true", "cardcase.jobs.poll-interval=500ms", "cardcase.tasks.activation-timeout=4s"})
public abstract class FlowTest {
  protected static final List<String> CLERK_GROUPS = List.of("verification", "counter");

  @DynamicPropertySource
  protected static void ports(DynamicPropertyRegistry r) throws Exception {
    r.add("cardcase.data-dir", () -> Path.of("target", "flow-test-" + System.nanoTime()).toString());
    r.add("cardcase.postgres.port", FlowTest::freePort);
    r.add("cardcase.engine.port", FlowTest::freePort);
  }

  @Autowired protected CardApplications service;
  @Autowired protected CaseRepository cases;
  @Autowired protected CardLifecycle cards;
  @Autowired protected TaskStore tasks;
  @Autowired protected MessageInbox inbox;
  @Autowired protected JdbcClient jdbc;
  @Autowired protected AuditTrail audit;
  @Autowired protected EmbeddedEngine engine;
  @Autowired protected MovableClock clock;

  // ---- helpers ----

  @Autowired protected InsuredPersons insured;

  /**
   * The person's social insurance computer number as the (simulated) enrolment has it (guide 000 §1,
   * the web portal's binding); any well-formed one for a person not insured. Not the social
   * security number: that is the ID number.
   */
  protected String computerNumber(String idNumber) {
    return insured.computerNumberOf(idNumber).orElse(InsuredPersonsSimulator.numberFor(idNumber));
  }

  /** Applies through the web portal; the sex is the one the ID number says (odd 17th digit: male). */
  protected String apply(String name, String idNumber, String ignoredSex) throws Exception {
    String sex = IdNumber.check(idNumber, LocalDate.now()).idNumber().sex().name();
    return service.submit(new CardApplication(name, idNumber, sex, "13812345678", "ICBC", "web-portal",
        png(400, 500), png(700, 450)), "web-portal");
  }

  /**
   * A holder with an active card: applied for, verified (a clerk approves if the registry is not
   * clear), produced (by the bank simulator, or by a callback sent here for a late bank), activated.
   */
  protected String activeCardHolder(String name, String idNumber) throws Exception {
    String cn = apply(name, idNumber, null);
    await("verified or waiting for a clerk", () -> !tasks.open(cn).isEmpty() || card(cn).state() != CardState.APPLIED);
    tasks.open(cn).stream().filter(t -> t.elementId().equals("compare-photos")).findFirst()
        .ifPresent(t -> tasks.complete(t.id(), "clerk", List.of("verification"), Map.of("photoDecision", "APPROVE")));
    await("waits for the card", () -> cases.get(cn).currentStep().equals("wait-card-produced")
        || card(cn).state() == CardState.AWAITING_ACTIVATION);
    int seq = Integer.parseInt(idNumber.substring(14, 17));
    if (seq >= 980 && seq <= 984) {
      inbox.receive("test-produced-" + cn, "card-produced", cn, "card-production", Map.of("cardNumber", "C" + idNumber.substring(6, 14)));
    }
    await("at the branch", () -> cases.get(cn).currentStep().equals("wait-card-activated"));
    inbox.receive("test-activated-" + cn, "card-activated", cn, "card-production", Map.of("branch", "test branch"));
    await("active", () -> card(cn).state() == CardState.ACTIVE);
    return cn;
  }

  protected static String id(String birth, String seq) {
    String first17 = "110105" + birth + seq;
    return first17 + IdNumber.checkCharacter(first17);
  }

  protected static String png(int w, int h) throws Exception {
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

  protected void letTimePass(Duration d) {
    clock.advance(d);
    engine.increaseTime(d);
  }

  protected Card card(String cn) {
    return cards.byCase(cn).orElseThrow();
  }

  protected String step(String cn) {
    return cases.get(cn).currentStep();
  }

  protected List<String> transitions(String cn) {
    return cards.history(card(cn).cardId()).stream().map(t -> t.to().name()).toList();
  }

  protected List<String> notifications(String cn) {
    return jdbc.sql("select template from notification where case_number = ? order by id").param(cn).query(String.class).list();
  }

  protected String notificationText(String cn, String template) {
    // the texts are sealed at rest: read as the case's page reads them
    List<Map<String, Object>> sent = notificationService.of(cn).stream().filter(m -> template.equals(m.get("template"))).toList();
    if (sent.isEmpty()) {
      throw new EmptyResultDataAccessException(1);
    }
    return (String) sent.getLast().get("text");
  }

  @Autowired protected Notifications notificationService;
  @Autowired protected PersonalFields personal;

  /** The blind index of an ID number (what PostgreSQL holds instead of it). */
  protected byte[] bidx(String idNumber) {
    return personal.idIndex(idNumber);
  }

  /** The phone a notification was sent to (sealed at rest with its text). */
  protected String recipient(String cn, String template) {
    return recipients(cn, template).getLast();
  }

  /** The phones the notifications of this template were sent to, oldest first. */
  protected List<String> recipients(String cn, String template) {
    List<String> out = jdbc.sql("select event_key, personal from notification where case_number = ? and template = ? order by id")
        .params(cn, template).query((rs, i) -> PersonalFields.text(
            personal.open("notification", rs.getString(1), rs.getBytes(2)), "recipient")).list();
    if (out.isEmpty()) {
      throw new EmptyResultDataAccessException(1);
    }
    return out;
  }

  /**
   * Waits until the bank simulator has sent every callback it owes for this case, the duplicate
   * included: its owed count goes down only after the inbox has taken (or turned away) the call.
   */
  protected void awaitBankCallbacksSent(String cn) throws Exception {
    await("the bank's callbacks for " + cn + " sent", () -> jdbc.sql(
        "select count(*) > 0 and coalesce(sum(callbacks_owed), 0) = 0 from sim_bank_order where case_number = ?")
        .param(cn).query(Boolean.class).single());
  }

  protected List<String> actions(String cn) {
    return audit.entries(AuditTrail.ofCase(cn)).stream().map(AuditTrail.Entry::action).toList();
  }

  protected HumanTask awaitTask(String cn, String element) throws Exception {
    HumanTask[] found = new HumanTask[1];
    await("task " + element + " of " + cn, () -> {
      found[0] = tasks.open(cn).stream().filter(t -> t.elementId().equals(element)).findFirst().orElse(null);
      return found[0] != null;
    });
    return found[0];
  }

  protected List<IncidentRecordValue> incidents() {
    List<IncidentRecordValue> out = new ArrayList<>();
    for (Record<?> r : engine.recordStream().getRecords()) {
      if (r.getValueType() == ValueType.INCIDENT && r.getIntent() == IncidentIntent.CREATED) {
        out.add((IncidentRecordValue) r.getValue());
      }
    }
    return out;
  }

  protected static boolean luhnValid(String number) {
    int sum = 0;
    boolean dbl = false;
    for (int i = number.length() - 1; i >= 0; i--) {
      int d = number.charAt(i) - '0';
      if (dbl) {
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      }
      sum += d;
      dbl = !dbl;
    }
    return sum % 10 == 0;
  }

  protected static void await(String what, Callable<Boolean> condition) throws Exception {
    await(what, Duration.ofSeconds(30), condition);
  }

  /** Polls {@code condition} every 100 ms until it holds; fails with the last exception seen after {@code within}. */
  public static void await(String what, Duration within, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return;
        }
      } catch (Exception | AssertionError e) {
        last = e;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting until: " + what + (last == null ? "" : " (last: " + last + ")"));
  }

  protected static int freePort() {
    return TestPorts.free();
  }
}
