package org.cardcase.childcard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cardcase.assertions.AssertionRefused;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.deadlines.DeadlineRules;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.cases.Cases;
import org.cardcase.shared.FieldErrors;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.documents.FileCheck;
import org.cardcase.family.FamilyBindings;
import org.cardcase.family.FamilyRules;
import org.cardcase.notifications.Notifications;
import org.cardcase.shared.IdNumber;
import org.cardcase.processes.ChildCardProcess;
import org.cardcase.shared.Channels;
import org.cardcase.shared.UniqueViolations;
import org.cardcase.verification.PopulationRegistry;
import org.cardcase.verification.Verification;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The child electronic medical insurance card: a real-name-verified parent adds a minor with the
 * household register photo, accepts the notice and e-signs the personal commitment letter the
 * system generates for exactly these two persons; a clerk reviews.
 */
@Service
public class ChildCards {
  public static final String TYPE = "CHILD_E_CARD";
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String NOTICE_VERSION = "2026-01";
  static final List<String> CHANNELS = List.of(Channels.WEB_PORTAL, Channels.ALIPAY, Channels.WECHAT,
      Channels.MEDICAL_INSURANCE_APP);

  public record Letter(String text, String sha256, String noticeVersion) {}

  public record Request(String parentIdNumber, String parentName, String phone, String childName, String childIdNumber,
      String householdRegisterPhoto, Boolean noticeAccepted, String noticeVersion, String letterSha256, String signedName) {}

  /** A child e-card application of a parent and, once issued, the e-card number. */
  public record ChildCard(String caseNumber, String childName, String childIdNumber, String status, String eCard,
      Instant requestedAt) {}

  private final Cases service;
  private final FamilyBindings families;
  private final AuditTrail audit;
  private final CaseRepository cases;
  private final CaseDocuments documents;
  private final CaseDeadlines caseDeadlines;
  private final DeadlineRules deadlines;
  private final Clock clock;
  private final Verification verification;
  private final PopulationRegistry registry;
  private final FamilyRules rules;
  private final Notifications notifications;
  private final TransactionTemplate tx;

  public ChildCards(Cases service, CaseRepository cases, CaseDocuments documents, CaseDeadlines caseDeadlines,
      DeadlineRules deadlines, FamilyBindings families,
      AuditTrail audit, Clock clock, Verification verification, PopulationRegistry registry, FamilyRules rules,
      Notifications notifications, TransactionTemplate tx) {
    this.verification = verification;
    this.registry = registry;
    this.rules = rules;
    this.notifications = notifications;
    this.tx = tx;
    this.families = families;
    this.audit = audit;
    this.service = service;
    this.cases = cases;
    this.documents = documents;
    this.caseDeadlines = caseDeadlines;
    this.deadlines = deadlines;
    this.clock = clock;
  }

  /**
   * The parent's child e-cards and applications, newest first, by the parent's ID number alone (no
   * case number): for a channel that proved it authenticated the parent (a verified citizen
   * assertion about the parent). Each case shown is audited with the assertion's id.
   */
  public List<ChildCard> ofParent(CitizenAssertions.Proof parent) {
    return ofParent(parent, parent.channel());
  }

  /** As {@link #ofParent(org.cardcase.assertions.CitizenAssertions.Proof)}, audited as looked at by {@code actor} (a counter clerk). */
  public List<ChildCard> ofParent(CitizenAssertions.Proof parent, String actor) {
    String parentIdNumber = parent.idNumber();
    String channel = parent.channel();
    Map<String, String> eCards = new HashMap<>();
    families.links(parentIdNumber).stream().filter(l -> l.childECard() != null && l.caseNumber() != null)
        .forEach(l -> eCards.put(l.caseNumber(), l.childECard()));
    List<ChildCard> out = new ArrayList<>();
    for (var c : cases.findAll(cases.caseNumbersOf(parentIdNumber))) {
      if (!c.caseType().equals(TYPE)) {
        continue;
      }
      try {
        var d = JSON.readTree(cases.data(c.caseNumber()));
        out.add(new ChildCard(c.caseNumber(), d.path("childName").asText(), d.path("childIdNumber").asText(), c.status().name(),
            eCards.get(c.caseNumber()), c.createdAt()));
      } catch (IOException e) {
        throw new IllegalStateException("case data of " + c.caseNumber() + " unreadable", e);
      }
      audit.append(AuditTrail.ofCase(c.caseNumber()), "child-lookup:" + UUID.randomUUID(), actor,
          channel, "CHILD_CARD_LOOKED_UP", parent.auditDetail());
    }
    out.sort(Comparator.comparing(ChildCard::requestedAt).reversed());
    return out;
  }

  /** The commitment letter for this parent and child; the parent signs its SHA-256. */
  public Letter letter(String parentIdNumber, String parentName, String childName, String childIdNumber) {
    LocalDate today = LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE));
    Map<String, String> errors = new LinkedHashMap<>();
    IdNumber.Check parent = IdNumber.check(parentIdNumber, today);
    IdNumber.Check child = IdNumber.check(childIdNumber, today);
    if (!parent.valid()) {
      errors.put("parentIdNumber", String.join("; ", parent.errors()));
    }
    if (!child.valid()) {
      errors.put("childIdNumber", String.join("; ", child.errors()));
    } else if (child.idNumber().ageOn(today) >= 18) {
      errors.put("childIdNumber", "the child is " + child.idNumber().ageOn(today) + "; the child e-card is for minors (under 18)");
    }
    if (parentName == null || parentName.isBlank()) {
      errors.put("parentName", "required");
    }
    if (childName == null || childName.isBlank()) {
      errors.put("childName", "required");
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    String text = """
        个人承诺书 / Personal commitment letter (notice %s)

        本人 %s（身份证号 %s）为 %s（身份证号 %s）的监护人，承诺所提交的户口簿信息真实有效，
        并对代为申领医保电子凭证及家庭共济使用承担法律责任。

        I, %s (ID %s), am the guardian of %s (ID %s). I declare that the household register I submit
        is true and complete, and I take legal responsibility for applying for the child's electronic
        medical insurance voucher and for its use in the family account.
        """.formatted(NOTICE_VERSION, parentName.strip(), parent.idNumber().value(), childName.strip(), child.idNumber().value(),
        parentName.strip(), parent.idNumber().value(), childName.strip(), child.idNumber().value());
    return new Letter(text, CaseDocuments.sha256(text.getBytes(StandardCharsets.UTF_8)), NOTICE_VERSION);
  }

  /**
   * How a channel authenticates a citizen by their real name (实名认证), so that its assertion makes
   * the parent real-name verified: the national medical insurance app, whose account is activated
   * only after real-name authentication and whose login is that account (guide 003, steps 2–4).
   */
  public static final Map<String, List<String>> REAL_NAME_METHODS = Map.of(Channels.MEDICAL_INSURANCE_APP, List.of("APP_LOGIN"));

  /** What the parent is told when neither this system nor the channel has verified their real name. */
  public static final String NOT_REAL_NAME_VERIFIED = "the parent has not passed real-name authentication: pass it in the"
      + " national medical insurance app (国家医保服务平台: activate the parent's medical insurance account, 实名认证) and apply"
      + " there, or apply for a social security card (online, or card application at a service counter), which verifies the"
      + " real name";

  /** Whether this verified assertion is a real-name authentication by its channel ({@link #REAL_NAME_METHODS}). */
  public static boolean realName(CitizenAssertions.Proof proof) {
    return proof != null && REAL_NAME_METHODS.getOrDefault(proof.channel(), List.of()).contains(proof.method());
  }

  /**
   * An application the channel sends with its verified citizen assertion about the parent: the
   * assertion must be the channel's own and about this parent. One with a real-name method of the
   * national medical insurance app makes the parent real-name verified for this application (guide
   * 003); the case keeps how and the assertion's id, and its audit trail says so.
   */
  public String request(Request r, String channel, CitizenAssertions.Proof parent) {
    if (!parent.channel().equals(channel) || !parent.isFor(r.parentIdNumber())) {
      throw new AssertionRefused(AssertionRefused.Code.OTHER_PERSON,
          "the citizen assertion is not about the parent of this request");
    }
    return submit(r, channel, parent);
  }

  /** An application without an assertion: the parent must be real-name verified by this system (a card, or a case verified). */
  public String request(Request r, String channel) {
    return submit(r, channel, null);
  }

  private String submit(Request r, String channel, CitizenAssertions.Proof parentProof) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (!CHANNELS.contains(channel)) {
      errors.put("channel", "the child e-card is applied for online: web portal, Alipay, WeChat or the national medical insurance app");
    }
    Letter letter = null;
    try {
      letter = letter(r.parentIdNumber(), r.parentName(), r.childName(), r.childIdNumber());
    } catch (FieldErrors e) {
      errors.putAll(e.errors());
    }
    if (r.phone() == null || !r.phone().matches("1[3-9]\\d{9}")) {
      errors.put("phone", "the parent's 11-digit mainland mobile number");
    }
    if (!Boolean.TRUE.equals(r.noticeAccepted())) {
      errors.put("noticeAccepted", "the parent must read and accept the notice");
    } else if (!NOTICE_VERSION.equals(r.noticeVersion())) {
      errors.put("noticeVersion", "the notice accepted must be the current one, " + NOTICE_VERSION);
    }
    if (letter != null && !letter.sha256().equals(r.letterSha256())) {
      errors.put("letterSha256", "is not the SHA-256 of the commitment letter for these persons; fetch it again and sign that");
    }
    if (r.signedName() == null || r.parentName() == null || !r.signedName().strip().equals(r.parentName().strip())) {
      errors.put("signedName", "the e-signature must be the parent's own name");
    }
    byte[] register = documents.accept("householdRegisterPhoto", "HOUSEHOLD_REGISTER", r.householdRegisterPhoto(), errors);
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    LocalDate today = LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE));
    String parent = IdNumber.check(r.parentIdNumber(), today).idNumber().value();
    String child = IdNumber.check(r.childIdNumber(), today).idNumber().value();
    cases.openCaseByData(TYPE, "childIdNumber", child).ifPresent(open -> {
          throw new CaseConflict("an application for this child is already open: " + open, open);
        });
    Letter signed = letter;
    Instant now = clock.instant();
    try {
      return open(r, channel, parent, child, signed, register, now, parentProof);
    } catch (DuplicateKeyException e) {
      if (!UniqueViolations.breaks(e, ONE_OPEN_PER_CHILD)) {
        throw e;
      }
      // another application for this child was stored at the same moment
      String open = cases.openCaseByData(TYPE, "childIdNumber", child).orElse(null);
      throw new CaseConflict("an application for this child is already open" + (open == null ? "" : ": " + open), open);
    }
  }

  /** The unique index that holds "one open child e-card application per child" (migration V44). */
  static final String ONE_OPEN_PER_CHILD = "card_case_one_open_child_card";

  private String open(Request r, String channel, String parent, String child, Letter signed, byte[] register, Instant now,
      CitizenAssertions.Proof parentProof) {
    // the review's deadline goes into the process start instruction, which is written once with the case
    CaseDeadlines.Deadline review = caseDeadlines.first("reviewDueAt", now, deadlines.getReviewWorkingDays());
    return tx.execute(s -> {
      String cn = service.open(TYPE, ChildCardProcess.PROCESS_ID, channel, r.parentName().strip(), parent, r.phone(), null,
          Map.of("reviewDueAt", review.dueAt().toString()));
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("childName", r.childName().strip());
      data.put("childIdNumber", child);
      data.put("noticeVersion", r.noticeVersion());
      data.put("letterSha256", signed.sha256());
      data.put("signedName", r.signedName().strip());
      data.put("signedAt", now.toString());
      if (parentProof != null) {
        data.put("parentAuthenticatedBy", parentProof.method());
        data.put("parentAssertionId", parentProof.assertionId());
        if (realName(parentProof)) {
          // guide 003: the parent passed real-name authentication in the app; the channel signed it
          data.put("parentRealNameBy", parentProof.channel());
          Map<String, Object> detail = new LinkedHashMap<>(parentProof.auditDetail());
          detail.put("channel", parentProof.channel());
          audit.append(AuditTrail.ofCase(cn), "parent-real-name", channel, channel, "REAL_NAME_BY_CHANNEL", detail);
        }
      }
      cases.putData(cn, data);
      documents.store(cn, "householdRegisterPhoto", "HOUSEHOLD_REGISTER", register, channel);
      // made for the parent who signed it through the channel: the channel is the actor (the signed name is sealed in the
      // case's personal data, not written as an actor of the audit trail or the document in plain text)
      documents.storeGenerated(cn, "COMMITMENT_LETTER", "text/plain; charset=utf-8", signed.text().getBytes(StandardCharsets.UTF_8),
          channel);
      caseDeadlines.record(cn, review);
      return cn;
    });
  }


  // ---- the automated steps of an application, each safe to run twice ----

  /** What the automated check found: {@code problem} is null when all passed; not conclusive: a clerk looks. */
  public record Check(boolean ok, boolean conclusive, String problem) {}

  /**
   * The parent real-name verified, the child a minor, the household register photo usable, the
   * signed letter unchanged, and (only under the centre's own rule) the child on the parent's
   * household register.
   */
  public Check check(String caseNumber) throws Exception {
    CaseRecord c = cases.get(caseNumber);
    JsonNode d = JSON.readTree(cases.data(caseNumber));
    List<String> problems = new ArrayList<>();
    // real-name verified by this system (a card made after verification, a case verified), or by the
    // channel: the national medical insurance app's signed assertion, kept with the case (guide 003)
    if (!d.hasNonNull("parentRealNameBy") && !verification.realNameVerified(c.idNumber())) {
      problems.add(NOT_REAL_NAME_VERIFIED);
    }
    IdNumber.Check child = IdNumber.check(d.get("childIdNumber").asText(), LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE)));
    if (!child.valid() || child.idNumber().ageOn(LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE))) >= 18) {
      problems.add("the child is not a minor");
    }
    var register = documents.latest(caseNumber, "HOUSEHOLD_REGISTER");
    if (register.isEmpty()) {
      problems.add("the household register photo is missing");
    } else {
      FileCheck.Result r = documents.check("HOUSEHOLD_REGISTER", documents.bytes(register.get().id()));
      if (!r.ok()) {
        problems.add("household register photo: " + String.join("; ", r.problems()));
      }
    }
    var letter = documents.latest(caseNumber, "COMMITMENT_LETTER");
    if (letter.isEmpty() || !CaseDocuments.sha256(documents.bytes(letter.get().id())).equals(d.get("letterSha256").asText())) {
      problems.add("the signed commitment letter is missing or was changed after signing");
    }
    // guide 003: the verified parent's confirmation adds the child, on the household register photo
    // the parent uploads and signs for. Only a centre that makes "the child on the parent's register"
    // its rule asks the registry; then a clerk looks when the registry cannot tell.
    boolean conclusive = true;
    if (child.valid() && rules.isChildOnParentsHouseholdRegister()) {
      switch (registry.household(c.idNumber(), child.idNumber().value())) {
        case DIFFERENT -> problems.add("the child is not on the parent's household register (" + FamilyRules.CENTRE_RULE + ")");
        case UNKNOWN -> conclusive = false;
        case SAME -> { }
      }
    }
    return new Check(problems.isEmpty(), conclusive, problems.isEmpty() ? null : String.join("; ", problems));
  }

  /** The child appears in the parent's family account with an e-card (once per case) and the case closes issued. */
  public String issue(String caseNumber) throws Exception {
    CaseRecord c = cases.get(caseNumber);
    JsonNode d = JSON.readTree(cases.data(caseNumber));
    String child = d.get("childIdNumber").asText();
    String eCard = tx.execute(s -> {
      String number = families.addChildWithECard(c.idNumber(), child, d.get("childName").asText(), c.channel(), caseNumber);
      audit.append(AuditTrail.ofCase(caseNumber), "e-card-issued", "system", null, "CHILD_E_CARD_ISSUED", Map.of("eCard", number));
      if (cases.changeStatus(caseNumber, CaseStatus.ISSUED, "issued")) {
        cases.close(caseNumber, ChildCardProcess.END_ISSUED);
      }
      return number;
    });
    notifications.send(caseNumber, caseNumber + ":issued", c.phone(), "child-card-issued",
        Map.of("childName", d.get("childName").asText(), "eCard", eCard));
    return eCard;
  }

  /** Refused for {@code reason}: the case closes refused (audited once) and the parent is told. */
  public void refuse(String caseNumber, String reason) throws Exception {
    CaseRecord c = cases.get(caseNumber);
    JsonNode d = JSON.readTree(cases.data(caseNumber));
    tx.executeWithoutResult(s -> {
      if (cases.changeStatus(caseNumber, CaseStatus.REFUSED, "refused")) {
        audit.append(AuditTrail.ofCase(caseNumber), "refusal", "system", null, "CHILD_E_CARD_REFUSED", Map.of("reason", reason));
        cases.close(caseNumber, ChildCardProcess.END_REFUSED);
      }
    });
    notifications.send(caseNumber, caseNumber + ":refused", c.phone(), "child-card-refused",
        Map.of("childName", d.get("childName").asText(), "caseNumber", caseNumber, "reason", reason));
  }
}
