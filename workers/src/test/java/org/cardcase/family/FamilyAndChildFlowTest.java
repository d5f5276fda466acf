package org.cardcase.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.cardcase.FlowTest;
import org.cardcase.assertions.AssertionRefused;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.CaseStatus;
import org.cardcase.childcard.ChildCards;
import org.cardcase.shared.Channels;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.ReferenceData;
import org.cardcase.simulators.ChannelIdentitySimulator;
import org.cardcase.tasks.HumanTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Family binding and the child e-card with the real workers, simulators and PostgreSQL. */
class FamilyAndChildFlowTest extends FlowTest {
  @Autowired FamilyBindings families;
  @Autowired ChildCards childCards;
  @Autowired CitizenAssertions assertions;
  @Autowired ChannelIdentitySimulator identity;
  @Autowired FamilyRules rules;

  /** The centre's own rules, set by a test, back to the guides' defaults after it. */
  @AfterEach
  void guidesDefaults() {
    rules.setMaxMembers(0);
    rules.setRelationships(List.of());
    rules.setChildOnParentsHouseholdRegister(false);
  }

  /** The channel's verified assertion about this person, signed by its (simulated) identity service. */
  CitizenAssertions.Proof proof(String channel, String idNumber) {
    String method = Channels.AUTHENTICATION.get(channel).get(0);
    return assertions.verify(channel, identity.assertionFor(channel, idNumber, method), idNumber);
  }

  /** A binding as the channel API asks for one: with the holder's assertion; at the counter, the clerk's screen (card swiped). */
  String bind(FamilyBindings.Request r, String channel) {
    return channel.equals("counter") ? families.request(r, channel) : families.request(r, channel, proof(channel, r.holderIdNumber()));
  }

  /** Through the web portal (guide 000 §1): the member's computer number, ID number and relationship (and a phone, to be told). */
  FamilyBindings.Request binding(String holder, String member, String memberName, String relationship) {
    return FamilyBindings.Request.webPortal(holder, "胡斐", "13700000000", computerNumber(member), member, memberName, relationship)
        .withMemberPhone("13700000001");
  }

  @Test
  void aSpouseIsLinkedToldAndCanBeRemoved() throws Exception {
    String holder = id("19760101", "011");
    String spouse = id("19780202", "012");
    String cn = bind(binding(holder, spouse, "程灵素", "SPOUSE"), "web-portal");
    await("linked", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.LINKED);
    assertThat(families.links(holder)).singleElement().satisfies(l -> {
      assertThat(l.memberIdNumber()).isEqualTo(spouse);
      assertThat(l.relationship()).isEqualTo("SPOUSE");
    });
    await("member told", () -> notifications(cn).contains("family-linked"));
    await("holder told", () -> notifications(cn).contains("family-link-added"));
    assertThat(recipient(cn, "family-linked")).as("the member is told").isEqualTo("13700000001");
    assertThat(recipient(cn, "family-link-added")).as("and the holder (no card here: at the phone given)").isEqualTo("13700000000");

    assertThatThrownBy(() -> bind(FamilyBindings.Request.alipay(holder, "胡斐", "13700000000", "程灵素", spouse, "SPOUSE"), "alipay"))
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
    // a "social security number" sent for the holder is the holder's ID number; another person's is refused
    assertThatThrownBy(() -> bind(new FamilyBindings.Request(holder, "胡斐", "13700000000", id("19900101", "014"), "胡一刀", null,
        "PARENT", computerNumber(id("19900101", "014")), null, null, id("19760303", "015"), null), "web-portal"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("holderSocialSecurityNumber"))
            .contains("must be the holder's ID number"));
    assertThatThrownBy(() -> bind(binding(holder, holder, "胡斐", "SPOUSE"), "web-portal"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("memberIdNumber"));
    assertThatThrownBy(() -> bind(binding(holder, id("19900101", "014"), "胡一刀", "PARENT"), "wechat"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("channel"));

    String notInsured = bind(binding(holder, id("19500505", "975"), "胡夫人", "PARENT"), "web-portal");
    await("refused", () -> cases.get(notInsured).closedAt() != null);
    assertThat(cases.get(notInsured).status()).isEqualTo(CaseStatus.REFUSED);
    await("holder told why", () -> notifications(notInsured).contains("family-refused"));
    assertThat(notificationText(notInsured, "family-refused")).contains("not insured");
    assertThat(families.links(holder)).isEmpty();
  }

  @Test
  void throughAlipayTheMembersNameSocialSecurityNumberWhichIsTheIdNumberAndRelationshipAreEnough() throws Exception {
    String holder = id("19760404", "019");
    String parent = id("19500606", "020");
    // guide 002: name, social security number and relationship; the social security number is the ID number (guide 000)
    String cn = bind(FamilyBindings.Request.alipay(holder, "胡斐", "13700000000", "胡母", parent, "PARENT"), "alipay");
    await("linked", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.LINKED);
    assertThat(cases.get(cn).channel()).isEqualTo("alipay");
    assertThat(families.links(holder)).singleElement().satisfies(l -> assertThat(l.memberIdNumber()).isEqualTo(parent));
    assertThat(notifications(cn)).as("no member phone: told in the app, no SMS").doesNotContain("family-linked");
    // the enrolment's separate number is not a social security number, and is not asked here
    String father = id("19480808", "031");
    assertThatThrownBy(() -> bind(FamilyBindings.Request.alipay(holder, "胡斐", "13700000000", "胡父", computerNumber(father),
        "PARENT"), "alipay"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("memberSocialSecurityNumber"))
            .contains("18-character ID number").contains("not the social insurance computer number"));
    String mistyped = father.substring(0, 17) + (father.charAt(17) == '1' ? '2' : '1');
    assertThatThrownBy(() -> bind(FamilyBindings.Request.alipay(holder, "胡斐", "13700000000", "胡父", mistyped, "PARENT"), "alipay"))
        .as("checked as an ID number (GB 11643)").isInstanceOfSatisfying(FieldErrors.class,
            e -> assertThat(e.errors().get("memberSocialSecurityNumber")).contains("ID number"));
    assertThatThrownBy(() -> bind(new FamilyBindings.Request(holder, "胡斐", "13700000000", null, "胡父", null, "PARENT",
        computerNumber(father), null, null, null, father), "alipay"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("memberComputerNumber")).contains("only the web portal"));
    assertThatThrownBy(() -> bind(FamilyBindings.Request.alipay(holder, "胡斐", "13700000000", null, father, "PARENT"), "alipay"))
        .as("the name is asked").isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsOnlyKeys("memberName"));
  }

  @Test
  void theWebPortalAsksForTheMembersComputerNumberIdNumberAndRelationship() throws Exception {
    String holder = id("19760606", "033");
    String member = id("19780606", "034");
    String other = id("19790606", "036");
    assertThat(computerNumber(member)).as("the enrolment's own number, not the ID number").isNotEqualTo(member);
    FamilyBindings.Request r = FamilyBindings.Request.webPortal(holder, "胡斐", "13700000000", computerNumber(member), member,
        "程灵素", "SPOUSE");
    // the ID number where the computer number belongs, someone else's number, or none: refused at the field
    assertThatThrownBy(() -> bind(FamilyBindings.Request.webPortal(holder, "胡斐", "13700000000", member, member, "程灵素", "SPOUSE"),
        "web-portal")).isInstanceOfSatisfying(FieldErrors.class,
            e -> assertThat(e.errors().get("memberComputerNumber")).contains("this is an ID number"));
    assertThatThrownBy(() -> bind(FamilyBindings.Request.webPortal(holder, "胡斐", "13700000000", computerNumber(other), member,
        "程灵素", "SPOUSE"), "web-portal")).isInstanceOfSatisfying(FieldErrors.class,
            e -> assertThat(e.errors().get("memberComputerNumber")).contains("not this family member's"));
    assertThatThrownBy(() -> bind(FamilyBindings.Request.webPortal(holder, "胡斐", "13700000000", null, member, "程灵素", "SPOUSE"),
        "web-portal")).isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsOnlyKeys("memberComputerNumber"));
    // no holder's number of any kind and no member phone: the holder logged in, the member is told by the portal
    String cn = bind(r, "web-portal");
    await("linked", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.LINKED);
    assertThat(families.links(holder)).singleElement().satisfies(l -> assertThat(l.memberIdNumber()).isEqualTo(member));
  }

  @Test
  void aCounterSwipesTheHoldersCardAndKeysInTheMembersCardNumberAndAsksNothingMore() throws Exception {
    String holder = id("19750505", "027");
    String member = id("19770707", "029");
    String holderCard = card(activeCardHolder("萧中慧", holder)).cardNumber();
    String memberCard = card(activeCardHolder("袁冠南", member)).cardNumber();
    // a card number that is no card in use is refused at its field
    assertThatThrownBy(() -> bind(FamilyBindings.Request.swiped("Z99999999", memberCard, "SPOUSE"), "counter"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("holderCardNumber")).contains("not a social"));
    assertThatThrownBy(() -> bind(FamilyBindings.Request.swiped(holderCard, "Z99999999", "SPOUSE"), "counter"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("memberCardNumber")).contains("not a social"));
    assertThatThrownBy(() -> bind(FamilyBindings.Request.swiped(holderCard, holderCard, "SPOUSE"), "counter"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsOnlyKeys("memberCardNumber"));
    // guide 000 §2: the holder's card swiped, the member's card number keyed in, the relationship; no name, no ID, no phone
    String cn = bind(FamilyBindings.Request.swiped(holderCard.toLowerCase(), memberCard, "SPOUSE"), "counter");
    await("linked", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.LINKED);
    assertThat(cases.get(cn).idNumber()).as("the card identifies the holder").isEqualTo(holder);
    assertThat(cases.get(cn).applicantName()).isEqualTo("萧中慧");
    assertThat(families.links(holder)).singleElement().satisfies(l -> {
      assertThat(l.memberIdNumber()).as("the card identifies the member").isEqualTo(member);
      assertThat(l.memberName()).isEqualTo("袁冠南");
    });
    await("holder told", () -> notifications(cn).contains("family-link-added"));
    assertThat(recipient(cn, "family-link-added")).as("at the phone on record, none offered").isEqualTo("13812345678");
    assertThat(notifications(cn)).as("no member phone asked: no SMS to the member").doesNotContain("family-linked");
    // a phone the citizen offers is taken, a wrong one refused
    assertThatThrownBy(() -> bind(FamilyBindings.Request.swiped(holderCard, memberCard, "SPOUSE").withPhone("12345"), "counter"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsOnlyKeys("phone"));
  }

  @Test
  void theGuidesLimitNeitherTheMembersNorTheRelationshipsSoByDefaultNeitherIsLimited() throws Exception {
    String holder = id("19700707", "017");
    // five members already (made directly); the guides set no limit, so a sixth, a sibling, binds
    for (int i = 0; i < 5; i++) {
      jdbc.sql("""
          insert into family_link (holder_id_number, member_id_number, member_name, relationship, channel)
          values (?, ?, ?, 'CHILD', 'web-portal')""").params(holder, id("20000101", String.format("%03d", 100 + i * 2)), "子女" + i)
          .update();
    }
    String sibling = bind(binding(holder, id("19720202", "038"), "胡一刀", "SIBLING"), "web-portal");
    await("linked", () -> cases.get(sibling).closedAt() != null);
    assertThat(cases.get(sibling).status()).isEqualTo(CaseStatus.LINKED);
    assertThat(families.links(holder)).hasSize(6);
    assertThat(families.bindableRelationships()).extracting(ReferenceData.Item::code)
        .contains("SPOUSE", "CHILD", "PARENT", "GRANDPARENT", "GRANDCHILD", "SIBLING");
  }

  @Test
  void aCentreThatLimitsMembersOrRelationshipsSaysTheRuleIsItsOwn() throws Exception {
    String holder = id("19700909", "037");
    rules.setRelationships(List.of("SPOUSE", "CHILD", "PARENT"));
    assertThatThrownBy(() -> bind(binding(holder, id("19900101", "014"), "胡一刀", "SIBLING"), "web-portal"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("relationship")).contains("cannot share")
            .contains("the service centre's rule, not the guides'").contains("[SPOUSE, CHILD, PARENT]"));
    rules.setMaxMembers(2);
    for (int i = 0; i < 2; i++) {
      String cn = bind(binding(holder, id("20000303", String.format("%03d", 100 + i * 2)), "子女" + i, "CHILD"), "web-portal");
      await("linked " + cn, () -> cases.get(cn).closedAt() != null);
    }
    assertThat(families.links(holder)).hasSize(2);
    assertThatThrownBy(() -> bind(binding(holder, id("20000303", "200"), "子女x", "CHILD"), "web-portal"))
        .isInstanceOfSatisfying(CaseConflict.class, e -> assertThat(e.getMessage()).contains("the most the service centre allows")
            .contains("not the guides'"));
  }

  ChildCards.Request child(String parent, String parentName, String childId, String childName, String letterHash) throws Exception {
    return new ChildCards.Request(parent, parentName, "13600000000", childName, childId, png(900, 700), true,
        ChildCards.NOTICE_VERSION, letterHash, parentName);
  }

  @Test
  void whenTheCentreMakesTheHouseholdRegisterItsRuleAndTheRegistryCannotTellAClerkReviews() throws Exception {
    rules.setChildOnParentsHouseholdRegister(true);
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
    // completed without claiming first: it is claimed by the person who completed it, so the audit says who decided
    assertThat(tasks.find(review.id()).orElseThrow().assignee()).isEqualTo("clerk");
    assertThat(audit.entries(AuditTrail.ofCase(cn)).stream().filter(e -> e.action().equals("TASK_CLAIMED"))
        .map(e -> e.actor()).toList()).containsExactly("clerk");
    await("issued", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.ISSUED);
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
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.ISSUED);
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
    assertThat(audit.entries(AuditTrail.ofCase(cn)).stream().filter(e -> e.action().equals("CHILD_CARD_LOOKED_UP")))
        .singleElement().satisfies(e -> assertThat(e.detail()).containsEntry("assertionId", parentProof.assertionId())
            .containsEntry("authenticatedBy", "APP_LOGIN"));

    // a child the registry places in another household: the guide asks for the register photo, not the same register
    String other = id("20180808", "952");
    ChildCards.Letter otherLetter = childCards.letter(parent, "程英", "程小明", other);
    String added = childCards.request(child(parent, "程英", other, "程小明", otherLetter.sha256()), "nhsa-app");
    await("issued", () -> cases.get(added).closedAt() != null);
    assertThat(cases.get(added).status()).isEqualTo(CaseStatus.ISSUED);
    String unknown = id("20180808", "961"); // the registry cannot tell: no clerk either, by default
    String noClerk = childCards.request(child(parent, "程英", unknown, "程小红",
        childCards.letter(parent, "程英", "程小红", unknown).sha256()), "nhsa-app");
    await("issued", () -> cases.get(noClerk).closedAt() != null);
    assertThat(cases.get(noClerk).status()).isEqualTo(CaseStatus.ISSUED);

    // a centre that makes "the child on the parent's register" its rule refuses, saying it is its own rule
    rules.setChildOnParentsHouseholdRegister(true);
    String third = id("20170707", "954");
    String refused = childCards.request(child(parent, "程英", third, "程小华", childCards.letter(parent, "程英", "程小华", third)
        .sha256()), "nhsa-app");
    await("refused and told", () -> notifications(refused).contains("child-card-refused"));
    assertThat(notificationText(refused, "child-card-refused")).contains("household register").contains("service centre's rule");
  }

  @Test
  void aParentWithoutRealNameVerificationIsRefusedWithTheReason() throws Exception {
    String parent = id("19890909", "023");
    String kid = id("20210303", "024");
    ChildCards.Letter letter = childCards.letter(parent, "田青文", "田小文", kid);
    String cn = childCards.request(child(parent, "田青文", kid, "田小文", letter.sha256()), "web-portal");
    await("refused", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.REFUSED);
    await("parent told", () -> notifications(cn).contains("child-card-refused"));
    // the refusal names what the parent can do: the app's real-name authentication, or a card application (a counter service)
    assertThat(notificationText(cn, "child-card-refused")).contains("real-name authentication")
        .contains("national medical insurance app").contains("card application at a service counter").doesNotContain("verify at a counter");
    assertThat(jdbc.sql("select count(*) from human_task where case_number = ?").param(cn).query(Long.class).single()).isZero();
  }

  @Test
  void aParentWhoPassedRealNameAuthenticationInTheNationalMedicalInsuranceAppIsVerified() throws Exception {
    String parent = id("19890303", "039"); // no card, no case: never verified by this system
    String kid = id("20220404", "040");
    ChildCards.Letter letter = childCards.letter(parent, "钟灵", "钟小灵", kid);
    // an assertion about someone else does not speak for this parent
    assertThatThrownBy(() -> childCards.request(child(parent, "钟灵", kid, "钟小灵", letter.sha256()), "nhsa-app",
        proof("nhsa-app", kid))).isInstanceOfSatisfying(AssertionRefused.class,
            e -> assertThat(e.code()).isEqualTo(AssertionRefused.Code.OTHER_PERSON));
    // guide 003: the parent activated the account and passed real-name authentication in the app, which signed so
    CitizenAssertions.Proof inApp = proof("nhsa-app", parent);
    String cn = childCards.request(child(parent, "钟灵", kid, "钟小灵", letter.sha256()), "nhsa-app", inApp);
    await("issued", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.ISSUED);
    assertThat(families.links(parent)).singleElement().satisfies(l -> assertThat(l.childECard()).startsWith("EC"));
    assertThat(audit.entries(AuditTrail.ofCase(cn)).stream().filter(e -> e.action().equals("REAL_NAME_BY_CHANNEL")))
        .singleElement().satisfies(e -> assertThat(e.detail()).containsEntry("assertionId", inApp.assertionId())
            .containsEntry("authenticatedBy", "APP_LOGIN").containsEntry("channel", "nhsa-app"));
    // another channel's login is proof of who is asking, not a real-name authentication of the parent
    String kid2 = id("20220505", "042");
    String viaWechat = childCards.request(child(parent, "钟灵", kid2, "钟小二", childCards.letter(parent, "钟灵", "钟小二", kid2)
        .sha256()), "wechat", proof("wechat", parent));
    await("refused and told", () -> notifications(viaWechat).contains("child-card-refused"));
    assertThat(cases.get(viaWechat).status()).isEqualTo(CaseStatus.REFUSED);
    assertThat(notificationText(viaWechat, "child-card-refused")).contains("national medical insurance app");
  }
}
