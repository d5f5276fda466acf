package org.cardcase.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camunda.zeebe.protocol.record.Record;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.FlowTest;
import org.cardcase.application.CardApplication;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseConflict;
import org.cardcase.childcard.ChildCards;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.family.FamilyBindings;
import org.cardcase.idempotency.IdempotencyKeys;
import org.cardcase.reissue.Reissues;
import org.cardcase.reissue.Vouchers;
import org.cardcase.shared.Channels;
import org.cardcase.shared.IdNumber;
import org.cardcase.simulators.ChannelIdentitySimulator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Personal data at rest: after a card application, a family binding, a child e-card, a reissue and a
 * stored API answer, PostgreSQL (read directly, every text, jsonb and bytea column of every table
 * but the simulators' sim_*) holds none of the people's names, ID numbers or phones; the services
 * still find them by ID number and the at-most-one rules still hold.
 */
class PersonalDataAtRestFlowTest extends FlowTest {
  @Autowired FamilyBindings families;
  @Autowired ChildCards childCards;
  @Autowired CitizenAssertions assertions;
  @Autowired ChannelIdentitySimulator identity;
  @Autowired Reissues reissues;
  @Autowired Vouchers vouchers;
  @Autowired IdempotencyKeys idempotency;
  @Autowired CaseDocuments documents;

  static final String HOLDER_NAME = "隐私卫甲";
  static final String HOLDER_PHONE = "13977770001";
  static final String SPOUSE_NAME = "隐私卫乙";
  static final String SPOUSE_PHONE = "13977770002";
  static final String CHILD_NAME = "隐私卫丙";
  static final String PARENT_PHONE = "13977770003";

  CitizenAssertions.Proof proof(String channel, String idNumber) {
    String method = Channels.AUTHENTICATION.get(channel).get(0);
    return assertions.verify(channel, identity.assertionFor(channel, idNumber, method), idNumber);
  }

  @Test
  void noPlainNameIdNumberOrPhoneIsLeftInAnyTableAndLookupsStillWork() throws Exception {
    String holder = id("19770415", "031");
    String spouse = id("19790512", "042");
    String kid = id("20180101", "053");

    // a card application (with its photos), verified, produced and activated
    String sex = IdNumber.check(holder, LocalDate.now()).idNumber().sex().name();
    String applied = service.submit(new CardApplication(HOLDER_NAME, holder, sex, HOLDER_PHONE, "ICBC", "web-portal",
        png(400, 500), png(700, 450)), "web-portal");
    // the one-open-application rule, on the blind index (the ID number typed in lower case)
    assertThatThrownBy(() -> service.submit(new CardApplication(HOLDER_NAME, holder.toLowerCase(), sex, HOLDER_PHONE, "ICBC", "web-portal",
        png(400, 500), png(700, 450)), "web-portal")).isInstanceOf(CaseConflict.class);
    await("verified or waiting for a clerk", () -> !tasks.open(applied).isEmpty() || card(applied).state() != CardState.APPLIED);
    tasks.open(applied).stream().filter(t -> t.elementId().equals("compare-photos")).findFirst()
        .ifPresent(t -> tasks.complete(t.id(), "clerk", List.of("verification"), Map.of("photoDecision", "APPROVE")));
    await("at the branch", () -> step(applied).equals("wait-card-activated"));
    inbox.receive("test-activated-" + applied, "card-activated", applied, "card-production", Map.of("branch", "test branch"));
    await("active", () -> card(applied).state() == CardState.ACTIVE);
    await("told", () -> notifications(applied).contains("card-activated"));

    // the spouse bound to the holder's account through the web portal, both told by SMS
    String bound = families.request(FamilyBindings.Request.webPortal(holder, HOLDER_NAME, HOLDER_PHONE, computerNumber(spouse),
        spouse, SPOUSE_NAME, "SPOUSE").withMemberPhone(SPOUSE_PHONE), "web-portal", proof("web-portal", holder));
    await("linked", () -> cases.get(bound).closedAt() != null);
    await("member told", () -> notifications(bound).contains("family-linked"));

    // a child e-card for the holder's child (the commitment letter names both)
    ChildCards.Letter letter = childCards.letter(holder, HOLDER_NAME, CHILD_NAME, kid);
    String childCase = childCards.request(new ChildCards.Request(holder, HOLDER_NAME, PARENT_PHONE, CHILD_NAME, kid, png(900, 700), true,
        ChildCards.NOTICE_VERSION, letter.sha256(), HOLDER_NAME), "nhsa-app", proof("nhsa-app", holder));
    await("decided or waiting for a clerk", () -> cases.get(childCase).closedAt() != null || !tasks.open(childCase).isEmpty());
    tasks.open(childCase).forEach(t -> tasks.complete(t.id(), "clerk", List.of("verification"), Map.of("childReviewOutcome", "APPROVED")));
    await("issued", () -> cases.get(childCase).closedAt() != null);

    // the card lost and replaced at the counter: a voucher for the holder
    Reissues.Accepted reissue = reissues.accept(new Reissues.Request(holder, HOLDER_NAME, HOLDER_PHONE, null, "HOLDER", null, null,
        true, null, png(700, 450), null, png(800, 1000), "clerk", true), "counter");
    await("reissue accepted and told", () -> notifications(reissue.caseNumber()).contains("reissue-accepted"));

    // a channel's answer kept for its Idempotency-Key replays
    if (idempotency.claim("web-portal", "privacy-test-1", "f", "POST", "/api/x") instanceof IdempotencyKeys.Proceed p) {
      idempotency.complete("web-portal", "privacy-test-1", p.attempt(), new IdempotencyKeys.Answer(201, Map.of(),
          ("{\"holderName\":\"" + HOLDER_NAME + "\",\"idNumber\":\"" + holder + "\"}").getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(idempotency.claim("web-portal", "privacy-test-1", "f", "POST", "/api/x"))
        .isInstanceOfSatisfying(IdempotencyKeys.Replay.class, r -> assertThat(new String(r.answer().body(),
            StandardCharsets.UTF_8)).contains(HOLDER_NAME));

    // the services still give the values and find the people by ID number
    assertThat(cases.get(applied).applicantName()).isEqualTo(HOLDER_NAME);
    assertThat(cases.caseNumbersOf(holder)).contains(applied, bound, childCase, reissue.caseNumber());
    assertThat(cards.ofHolder(holder)).hasSizeGreaterThanOrEqualTo(2);
    assertThat(families.links(holder)).extracting(FamilyBindings.Link::memberName).contains(SPOUSE_NAME, CHILD_NAME);
    assertThat(vouchers.latestOf(holder)).hasValueSatisfying(v -> assertThat(v.holderName()).isEqualTo(HOLDER_NAME));
    assertThat(notificationText(bound, "family-link-added")).contains("隐*");
    long portrait = documents.latest(applied, "PORTRAIT_PHOTO").orElseThrow().id();
    assertThat(documents.bytes(portrait)).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');

    // and PostgreSQL, read directly, holds none of them
    List<String> values = new ArrayList<>(List.of(HOLDER_NAME, holder, HOLDER_PHONE, SPOUSE_NAME, spouse, SPOUSE_PHONE, CHILD_NAME, kid,
        PARENT_PHONE));
    // nor an unkeyed digest of an ID number (trying every possible number reverses it)
    for (String idNumber : List.of(holder, spouse, kid)) {
      values.add(CitizenAssertions.subjectOf(idNumber).substring("sha256:".length()));
    }
    Map<String, List<String>> found = scan(values);
    assertThat(found).as("tables.columns that hold a plain name, ID number or phone").isEmpty();

    // nor does the engine: its records (process variables, jobs, messages; what its state store keeps) carry none of them
    List<String> inEngine = new ArrayList<>();
    for (int attempt = 0; ; attempt++) {
      inEngine.clear();
      try {
        for (Record<?> r : engine.recordStream().getRecords()) {
          String json = r.toJson();
          values.stream().filter(json::contains).forEach(v -> inEngine.add(r.getValueType() + "/" + r.getIntent() + ": " + v));
        }
        break;
      } catch (ConcurrentModificationException e) {
        // the engine appended a record while we read: read again
        assertThat(attempt).as("read the engine's records").isLessThan(20);
      }
    }
    assertThat(inEngine).as("engine records that carry a plain name, ID number or phone").isEmpty();
  }

  /** Every text, varchar, json, jsonb and bytea column of every table but sim_* and Flyway's, searched for each value. */
  Map<String, List<String>> scan(List<String> values) {
    Map<String, List<String>> found = new LinkedHashMap<>();
    List<Map<String, Object>> columns = jdbc.sql("""
        select c.table_name, c.column_name, c.data_type from information_schema.columns c
          join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
          and c.data_type in ('text', 'character varying', 'json', 'jsonb', 'bytea')
          and c.table_name not like 'sim\\_%' and c.table_name <> 'flyway_schema_history'
        order by 1, 2""").query().listOfRows();
    assertThat(columns).as("the scan covers the sealed tables").extracting(r -> r.get("table_name"))
        .contains("card_case", "card", "voucher", "family_link", "case_document", "notification", "audit_entry", "process_link");
    for (Map<String, Object> c : columns) {
      String col = "\"" + c.get("column_name") + "\"";
      String where = "bytea".equals(c.get("data_type")) ? "position(convert_to(?, 'UTF8') in " + col + ") > 0"
          : "position(? in " + col + "::text) > 0";
      for (String v : values) {
        long n = jdbc.sql("select count(*) from \"" + c.get("table_name") + "\" where " + where).param(v).query(Long.class).single();
        if (n > 0) {
          found.computeIfAbsent(c.get("table_name") + "." + c.get("column_name"), k -> new ArrayList<>()).add(v + " (" + n + ")");
        }
      }
    }
    return found;
  }
}
