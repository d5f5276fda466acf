package org.cardcase.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.cardcase.assertions.AssertionRefused;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.shared.FieldErrors;
import org.cardcase.childcard.ChildCards;
import org.cardcase.family.FamilyBindings;
import org.cardcase.simulators.ChannelIdentitySimulator;
import org.cardcase.tasks.HumanTask;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Family binding and the child e-card with the real workers, simulators and PostgreSQL. */
class FamilyAndChildFlowTest extends FlowTest {
  @Autowired FamilyBindings families;
  @Autowired ChildCards childCards;
  @Autowired CitizenAssertions assertions;
  @Autowired ChannelIdentitySimulator identity;

  /** The channel's verified assertion about this person, signed by its (simulated) identity service. */
  CitizenAssertions.Proof proof(String channel, String idNumber) {
    String method = org.cardcase.shared.Channels.AUTHENTICATION.get(channel).get(0);
    return assertions.verify(channel, identity.assertionFor(channel, idNumber, method), idNumber);
  }

  /** A binding as the channel API asks for one: with the holder's assertion; at the counter, the clerk's screen (card swiped). */
  String bind(FamilyBindings.Request r, String channel) {
    return channel.equals("counter") ? families.request(r, channel) : families.request(r, channel, proof(channel, r.holderIdNumber()));
  }

  FamilyBindings.Request binding(String holder, String member, String memberName, String relationship) {
    return new FamilyBindings.Request(holder, ssn(holder), "胡斐", "13700000000", member, ssn(member), memberName, "13700000001",
        relationship);
  }

  @Test
  void aSpouseIsLinkedToldAndCanBeRemoved() throws Exception {
    String holder = id("19760101", "011");
    String spouse = id("19780202", "012");
    String cn = bind(binding(holder, spouse, "程灵素", "SPOUSE"), "web-portal");
    await("linked", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(org.cardcase.cases.CaseStatus.LINKED);
    assertThat(families.links(holder)).singleElement().satisfies(l -> {
      assertThat(l.memberIdNumber()).isEqualTo(spouse);
      assertThat(l.relationship()).isEqualTo("SPOUSE");
    });
    await("member told", () -> notifications(cn).contains("family-linked"));
    await("holder told", () -> notifications(cn).contains("family-link-added"));
    assertThat(jdbc.sql("select recipient from notification where case_number = ? and template = 'family-linked'").param(cn)
        .query(String.class).single()).as("the member is told").isEqualTo("13700000001");
    assertThat(jdbc.sql("select recipient from notification where case_number = ? and template = 'family-link-added'").param(cn)
        .query(String.class).single()).as("and the holder (no card here: at the phone given)").isEqualTo("13700000000");

    assertThatThrownBy(() -> bind(binding(holder, spouse, "程灵素", "SPOUSE"), "alipay"))
        .isInstanceOfSatisfying(CaseConflict.class, e -> assertThat(e.getMessage()).contains("already linked"));
    long linkId = families.links(holder).get(0).id();
    assertThatThrownBy(() -> assertions.verify("web-portal", null, holder)).as("an ID number alone is not enough")
        .isInstanceOfSatisfying(AssertionRefused.class, e -> assertThat(e.code()).isEqualTo(AssertionRefused.Code.MISSING));
    assertThat(families.links(proof("hospital", holder))).as("the hospital's card reader, signed by the hospital")
        .singleElement().satisfies(l -> assertThat(l.id()).isEqualTo(linkId));
    assertThatThrownBy(() -> families.remove(linkId, proof("web-portal", spouse))).as("only the holder removes")
        .isInstanceOf(CaseNotFound.class);
    families.remove(linkId, proof("web-portal", holder));
    assertThat(families.links(holder)).isEmpty();
    assertThat(actions(cn)).contains("FAMILY_LINKED", "FAMILY_LINKS_LOOKED_UP", "FAMILY_LINK_REMOVED");
    assertThat(notifications(cn)).as("the holder told of the removal too, once").containsOnlyOnce("family-link-removed");
  }

  @Test
  void badRequestsAreRefusedWithTheRuleAndRefusalsAreExplained() throws Exception {
    String holder = id("19760303", "013");
    assertThatThrownBy(() -> bind(binding(holder, id("19900101", "014"), "胡一刀", "SIBLING"), "web-portal"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("relationship")).contains("cannot share"));
    assertThatThrownBy(() -> bind(new FamilyBindings.Request(holder, id("19760303", "015"), "胡斐", "13700000000",
        id("19900101", "014"), id("19900101", "014"), "胡一刀", "13700000001", "PARENT"), "web-portal"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("holderSocialSecurityNumber"));
    assertThatThrownBy(() -> bind(binding(holder, holder, "胡斐", "SPOUSE"), "counter"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("memberIdNumber"));
    assertThatThrownBy(() -> bind(binding(holder, id("19900101", "014"), "胡一刀", "PARENT"), "wechat"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("channel"));

    String notInsured = bind(binding(holder, id("19500505", "975"), "胡夫人", "PARENT"), "web-portal");
    await("refused", () -> cases.get(notInsured).closedAt() != null);
    assertThat(cases.get(notInsured).status()).isEqualTo(org.cardcase.cases.CaseStatus.REFUSED);
    await("holder told why", () -> notifications(notInsured).contains("family-refused"));
    assertThat(notificationText(notInsured, "family-refused")).contains("not insured");
    assertThat(families.links(holder)).isEmpty();
  }

  @Test
  void throughAlipayTheMembersNameSocialSecurityNumberAndRelationshipAreEnough() throws Exception {
    String holder = id("19760404", "019");
    String parent = id("19500606", "020");
    // guide 002: name, social security number and relationship; no member ID number, no member phone
    String cn = bind(new FamilyBindings.Request(holder, ssn(holder), "胡斐", "13700000000", null, ssn(parent), "胡母",
        null, "PARENT"), "alipay");
    await("linked", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(org.cardcase.cases.CaseStatus.LINKED);
    assertThat(cases.get(cn).channel()).isEqualTo("alipay");
    assertThat(families.links(holder)).singleElement().satisfies(l -> assertThat(l.memberIdNumber()).isEqualTo(parent));
    assertThat(notifications(cn)).as("no member phone: told in the app, no SMS").doesNotContain("family-linked");
    assertThatThrownBy(() -> bind(new FamilyBindings.Request(holder, ssn(holder), "胡斐", "13700000000", null, "12345",
        "胡父", null, "PARENT"), "alipay"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("memberSocialSecurityNumber"));
  }

  @Test
  void theSocialSecurityNumberIsItsOwnNumberAndACounterBindsByTheSwipedCard() throws Exception {
    String holder = id("19750505", "027");
    String applied = activeCardHolder("萧中慧", holder);
    String cardNumber = card(applied).cardNumber();
    String member = id("19770707", "028");
    assertThat(ssn(holder)).as("guide 000: not the ID number").isNotEqualTo(holder).matches("\\d{10}");
    // the ID number where the social security number belongs, or someone else's number: refused at the field
    assertThatThrownBy(() -> bind(new FamilyBindings.Request(holder, holder, "萧中慧", "13700000000", member, ssn(member),
        "袁冠南", "13700000001", "SPOUSE"), "web-portal"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("holderSocialSecurityNumber")).contains("not the ID"));
    assertThatThrownBy(() -> bind(new FamilyBindings.Request(holder, ssn(member), "萧中慧", "13700000000", member,
        ssn(member), "袁冠南", "13700000001", "SPOUSE"), "web-portal"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("holderSocialSecurityNumber")).contains("not this"));
    // at a counter the card is swiped: a card that is not the holder's is refused, the holder's card binds
    assertThatThrownBy(() -> bind(new FamilyBindings.Request(holder, null, "萧中慧", "13700000000", member, ssn(member),
        "袁冠南", "13700000001", "SPOUSE", "Z99999999"), "counter"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("holderCardNumber")).contains("not a card"));
    String cn = bind(new FamilyBindings.Request(holder, null, "萧中慧", "13700000000", member, ssn(member), "袁冠南",
        "13700000001", "SPOUSE", cardNumber), "counter");
    await("linked", () -> cases.get(cn).closedAt() != null);
    assertThat(families.links(holder)).singleElement().satisfies(l -> assertThat(l.memberIdNumber()).isEqualTo(member));
  }

  @Test
  void noMoreThanTheConfiguredNumberOfMembers() throws Exception {
    String holder = id("19700707", "017");
    for (int i = 0; i < families.maxMembers(); i++) {
      String cn = bind(binding(holder, id("20000101", String.format("%03d", 100 + i * 2)), "子女" + i, "CHILD"), "web-portal");
      await("linked " + cn, () -> cases.get(cn).closedAt() != null);
    }
    assertThat(families.links(holder)).hasSize(families.maxMembers());
    assertThatThrownBy(() -> bind(binding(holder, id("20000101", "200"), "子女x", "CHILD"), "web-portal"))
        .isInstanceOfSatisfying(CaseConflict.class, e -> assertThat(e.getMessage()).contains("most allowed"));
  }

  ChildCards.Request child(String parent, String parentName, String childId, String childName, String letterHash) throws Exception {
    return new ChildCards.Request(parent, parentName, "13600000000", childName, childId, png(900, 700), true,
        ChildCards.NOTICE_VERSION, letterHash, parentName);
  }

  @Test
  void whenTheRegistryCannotTellAClerkReviewsBeforeTheChildsECardIsAdded() throws Exception {
    String parent = id("19880808", "999");
    String applied = apply("苗若兰", parent, null);
    await("parent verified", () -> card(applied).state().ordinal() >= CardState.IN_PRODUCTION.ordinal());
    String kid = id("20200202", "961"); // the household registry cannot tell whether the child is on the parent's register
    ChildCards.Letter letter = childCards.letter(parent, "苗若兰", "苗小兰", kid);
    assertThat(letter.text()).contains("苗若兰").contains(kid);

    assertThatThrownBy(() -> childCards.request(child(parent, "苗若兰", kid, "苗小兰", "0".repeat(64)), "wechat"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("letterSha256"));
    assertThatThrownBy(() -> childCards.request(child(parent, "苗若兰", id("19900101", "022"), "苗大兰", letter.sha256()), "wechat"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("childIdNumber")).contains("under 18"));

    String cn = childCards.request(child(parent, "苗若兰", kid, "苗小兰", letter.sha256()), "wechat");
    HumanTask review = awaitTask(cn, "review-child-card");
    assertThat(review.formKey()).isEqualTo("cardcase:review-child-card");
    tasks.complete(review.id(), "clerk", List.of("verification"), Map.of("childReviewOutcome", "APPROVED"));
    // completed without claiming first: it is claimed by the person who completed it (issue 14, defect 2)
    assertThat(tasks.find(review.id()).orElseThrow().assignee()).isEqualTo("clerk");
    assertThat(audit.entries(org.cardcase.audit.AuditTrail.ofCase(cn)).stream().filter(e -> e.action().equals("TASK_CLAIMED"))
        .map(e -> e.actor()).toList()).containsExactly("clerk");
    await("issued", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(org.cardcase.cases.CaseStatus.ISSUED);
    assertThat(families.links(parent)).singleElement().satisfies(l -> {
      assertThat(l.memberIdNumber()).isEqualTo(kid);
      assertThat(l.relationship()).isEqualTo("CHILD");
      assertThat(l.childECard()).startsWith("EC");
    });
    await("parent told", () -> notifications(cn).contains("child-card-issued"));
    assertThat(jdbc.sql("select kind from case_document where case_number = ? order by kind").param(cn).query(String.class).list())
        .containsExactly("COMMITMENT_LETTER", "HOUSEHOLD_REGISTER");
  }

  @Test
  void theVerifiedParentsConfirmationAddsTheChildsECardWithoutAClerkAndThePersonsIdFindsIt() throws Exception {
    String parent = id("19870707", "999");
    String applied = apply("程英", parent, null);
    await("parent verified", () -> card(applied).state().ordinal() >= CardState.IN_PRODUCTION.ordinal());
    String kid = id("20190909", "025");
    ChildCards.Letter letter = childCards.letter(parent, "程英", "程小英", kid);
    // guide 003: through the national medical insurance app, confirmed by the verified parent
    String cn = childCards.request(child(parent, "程英", kid, "程小英", letter.sha256()), "nhsa-app");
    await("issued", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(org.cardcase.cases.CaseStatus.ISSUED);
    assertThat(jdbc.sql("select count(*) from human_task where case_number = ?").param(cn).query(Long.class).single())
        .as("no clerk review when every check is conclusive").isZero();
    // looked up by the parent's ID number, no case number; only once the channel authenticated the parent
    assertThatThrownBy(() -> assertions.verify("nhsa-app", null, parent))
        .isInstanceOfSatisfying(AssertionRefused.class, e -> assertThat(e.code()).isEqualTo(AssertionRefused.Code.MISSING));
    assertThat(childCards.ofParent(proof("nhsa-app", kid))).as("an assertion about the child shows the child's own, none").isEmpty();
    CitizenAssertions.Proof parentProof = proof("nhsa-app", parent);
    assertThat(childCards.ofParent(parentProof)).singleElement().satisfies(c -> {
      assertThat(c.caseNumber()).isEqualTo(cn);
      assertThat(c.childIdNumber()).isEqualTo(kid);
      assertThat(c.eCard()).startsWith("EC");
    });
    assertThat(audit.entries(org.cardcase.audit.AuditTrail.ofCase(cn)).stream().filter(e -> e.action().equals("CHILD_CARD_LOOKED_UP")))
        .singleElement().satisfies(e -> assertThat(e.detail()).containsEntry("assertionId", parentProof.assertionId())
            .containsEntry("authenticatedBy", "APP_LOGIN"));

    // a child the registry places in another household is refused with the reason
    String other = id("20180808", "952");
    ChildCards.Letter otherLetter = childCards.letter(parent, "程英", "程小明", other);
    String refused = childCards.request(child(parent, "程英", other, "程小明", otherLetter.sha256()), "nhsa-app");
    await("refused", () -> cases.get(refused).closedAt() != null);
    assertThat(notificationText(refused, "child-card-refused")).contains("household register");
  }

  @Test
  void aParentWithoutRealNameVerificationIsRefusedWithTheReason() throws Exception {
    String parent = id("19890909", "023");
    String kid = id("20210303", "024");
    ChildCards.Letter letter = childCards.letter(parent, "田青文", "田小文", kid);
    String cn = childCards.request(child(parent, "田青文", kid, "田小文", letter.sha256()), "web-portal");
    await("refused", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(org.cardcase.cases.CaseStatus.REFUSED);
    await("parent told", () -> notifications(cn).contains("child-card-refused"));
    assertThat(notificationText(cn, "child-card-refused")).contains("real-name verification");
    assertThat(jdbc.sql("select count(*) from human_task where case_number = ?").param(cn).query(Long.class).single()).isZero();
  }
}
