package org.cardcase.family;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.cardcase.TestDatabase;
import org.cardcase.audit.AuditTrail;
import org.cardcase.audit.TestAuditKeys;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.cases.Cases;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.notifications.Notifications;
import org.cardcase.shared.ReferenceData;
import org.cardcase.simulators.InsuredPersonsSimulator;
import org.cardcase.simulators.PopulationRegistrySimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The binding rule and the link, as the family binding's automated steps run them, on a real
 * PostgreSQL and the simulated registry and enrolment, without the engine. Each test uses people of
 * its own.
 */
class FamilyBindingStepsTest {
  static final AtomicInteger PEOPLE = new AtomicInteger((int) (System.nanoTime() % 9000));
  static FamilyBindings bindings;
  static FamilyRules rules;
  static CaseRepository cases;
  static AuditTrail audit;
  static final List<String> sms = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    JdbcClient jdbc = TestDatabase.jdbc();
    TransactionTemplate tx = TestDatabase.tx();
    ObjectMapper json = new ObjectMapper();
    audit = new AuditTrail(jdbc, Clock.systemUTC(), TestAuditKeys.KEYS);
    cases = new CaseRepository(jdbc, audit);
    CardLifecycle cards = new CardLifecycle(jdbc, tx, audit, cases, Clock.systemUTC());
    rules = new FamilyRules();
    Notifications notifications = new Notifications(jdbc, (phone, text) -> {
      sms.add(phone);
      return "sms-" + sms.size();
    }, audit, cases.personalFields());
    // no process is started here: the steps run on a case that is already stored
    Cases service = new Cases(cases, null, tx, Clock.systemUTC(), audit);
    bindings = new FamilyBindings(service, cases, new ReferenceData(jdbc, json), jdbc, tx, audit, Clock.systemUTC(), rules,
        new InsuredPersonsSimulator(jdbc), cards, notifications, cases.personalFields(),
        new PopulationRegistrySimulator(jdbc, Duration.ZERO, 0.9));
  }

  @BeforeEach
  void centreRulesOff() {
    rules.setMaxMembers(0);
    rules.setRelationships(List.of());
  }

  /** A person of this test run with the given sequence code (digits 15-17), which the simulators read. */
  static String person(int sequence) {
    return String.format("44%04d19800101%03dX", PEOPLE.incrementAndGet() % 10000, sequence);
  }

  /** A binding case of the holder for the member, stored as a channel would have stored it. */
  static String bindingCase(String holder, String member, String relationship) {
    String cn = "SC-FAM-" + PEOPLE.incrementAndGet();
    TestDatabase.insertCase(cn, holder);
    cases.putData(cn, Map.<String, Object>of("memberIdNumber", member, "memberName", "李小红", "relationship", relationship,
        "memberPhone", "13900000000"));
    return cn;
  }

  @Test
  void aMemberWhoMayBeLinkedIsAllowed() throws Exception {
    assertThat(bindings.check(bindingCase(person(123), person(124), "SPOUSE"))).isEmpty();
  }

  @Test
  void eachRefusalSaysWhy() throws Exception {
    assertThat(bindings.check(bindingCase(person(123), person(991), "SPOUSE")))
        .hasValue("the population registry has no such family member (check the name and ID number)");
    assertThat(bindings.check(bindingCase(person(971), person(124), "SPOUSE")))
        .hasValue("the holder is not insured with a personal medical account");
    assertThat(bindings.check(bindingCase(person(123), person(972), "SPOUSE")))
        .hasValue("the family member is not insured with a personal medical account");
    assertThat(bindings.check(bindingCase(person(123), person(124), "NEIGHBOUR")))
        .hasValueSatisfying(r -> assertThat(r).startsWith("this relationship cannot share").contains(FamilyRules.CENTRE_RULE));
    rules.setRelationships(List.of("SPOUSE"));
    assertThat(bindings.check(bindingCase(person(123), person(124), "PARENT")))
        .as("a relationship the centre narrowed away").hasValueSatisfying(r -> assertThat(r).startsWith("this relationship"));
  }

  @Test
  void aMemberLinkedByAnotherCaseIsRefusedButTheLinkingCaseItselfIsNot() throws Exception {
    String holder = person(123);
    String member = person(124);
    String first = bindingCase(holder, member, "SPOUSE");
    bindings.link(first);
    assertThat(bindings.check(first)).as("a redelivered check of the case that made the link").isEmpty();
    assertThat(bindings.check(bindingCase(holder, member, "SPOUSE"))).hasValue("this member is already linked");
  }

  @Test
  void theCentresMemberLimitCountsTheLinksOfOtherCases() throws Exception {
    rules.setMaxMembers(1);
    String holder = person(123);
    String first = bindingCase(holder, person(124), "SPOUSE");
    bindings.link(first);
    assertThat(bindings.check(first)).as("its own link does not count against it").isEmpty();
    assertThat(bindings.check(bindingCase(holder, person(125), "CHILD")))
        .hasValue("the holder already has 1 linked members, the most the service centre allows (" + FamilyRules.CENTRE_RULE + ")");
  }

  @Test
  void aRedeliveredLinkMakesOneLinkOneAuditEntryAndTellsEachPersonOnce() throws Exception {
    String holder = person(123);
    String member = person(124);
    String cn = bindingCase(holder, member, "SPOUSE");
    bindings.link(cn);
    int entries = audit.count(AuditTrail.ofCase(cn));
    int told = sms.size();
    bindings.link(cn);
    assertThat(bindings.links(holder)).singleElement().satisfies(l -> {
      assertThat(l.memberIdNumber()).isEqualTo(member);
      assertThat(l.caseNumber()).isEqualTo(cn);
    });
    assertThat(audit.entries(AuditTrail.ofCase(cn))).filteredOn(e -> e.action().equals("FAMILY_LINKED")).hasSize(1);
    assertThat(audit.count(AuditTrail.ofCase(cn))).isEqualTo(entries);
    assertThat(sms).hasSize(told);
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.LINKED);
    assertThat(cases.get(cn).closedAt()).isNotNull();
  }

  @Test
  void aRefusalClosesTheCaseOnceAndTellsTheHolderOnce() {
    String cn = bindingCase(person(123), person(124), "SPOUSE");
    bindings.refuse(cn, "this member is already linked");
    int entries = audit.count(AuditTrail.ofCase(cn));
    int told = sms.size();
    bindings.refuse(cn, "this member is already linked");
    assertThat(audit.entries(AuditTrail.ofCase(cn))).filteredOn(e -> e.action().equals("FAMILY_BINDING_REFUSED")).hasSize(1);
    assertThat(audit.count(AuditTrail.ofCase(cn))).isEqualTo(entries);
    assertThat(sms).hasSize(told);
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.REFUSED);
  }
}
