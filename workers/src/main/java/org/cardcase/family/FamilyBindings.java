package org.cardcase.family;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.cardcase.assertions.AssertionRefused;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.cases.Cases;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.IdNumber;
import org.cardcase.processes.FamilyBindingProcess;
import org.cardcase.shared.Channels;
import org.cardcase.shared.Masking;
import org.cardcase.shared.ReferenceData;
import org.cardcase.notifications.Notifications;
import org.cardcase.verification.PopulationRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Family binding: a holder links family members' personal medical accounts (web portal, Alipay,
 * counter, or a hospital's insurance office). Each channel asks what its guide names:
 * <ul>
 *   <li>the web portal (guide 000 §1): the member's <b>social insurance computer number</b> (社保电脑号,
 *       the local enrolment's own number, in the enrolment's own format), the member's ID number and
 *       the relationship; the only place that separate number is asked for;
 *   <li>Alipay (guide 002): the member's name, social security number and relationship; <b>the social
 *       security number is the citizen's ID number</b> (guide 000, the Social Insurance Law), so it is
 *       checked as an ID number (GB 11643) and nothing more is asked;
 *   <li>a district counter or a hospital's insurance office (guide 000 §2–3): the <b>holder's card is
 *       swiped</b> and the member's <b>social security card number</b> keyed in; the cards identify the
 *       holder and the member; the relationship is chosen; a phone the citizen offers is optional.
 * </ul>
 * Where a field is named "social security number" ({@code holderSocialSecurityNumber}, {@code
 * memberSocialSecurityNumber}) it takes the ID number. The member's phone is optional everywhere:
 * without one the member is told by the channel, not by SMS. The limits of {@link FamilyRules} are
 * the service centre's own, off by default.
 */
@Service
public class FamilyBindings {
  public static final String TYPE = "FAMILY_BINDING";
  static final List<String> CHANNELS = List.of(Channels.WEB_PORTAL, Channels.ALIPAY, Channels.COUNTER, Channels.HOSPITAL);

  /**
   * A binding request; which fields a channel fills is said above and by the factories. {@code
   * holderSocialSecurityNumber} and {@code memberSocialSecurityNumber}, where a channel sends them,
   * are ID numbers.
   */
  public record Request(String holderIdNumber, String holderName, String phone, String memberIdNumber, String memberName,
      String memberPhone, String relationship, String memberComputerNumber, String holderCardNumber, String memberCardNumber,
      String holderSocialSecurityNumber, String memberSocialSecurityNumber) {

    /** The web portal (guide 000 §1): the logged-in holder; the member's computer number, ID number and relationship. */
    public static Request webPortal(String holderIdNumber, String holderName, String phone, String memberComputerNumber,
        String memberIdNumber, String memberName, String relationship) {
      return new Request(holderIdNumber, holderName, phone, memberIdNumber, memberName, null, relationship, memberComputerNumber,
          null, null, null, null);
    }

    /** Alipay (guide 002): the logged-in holder; the member's name, social security number (the ID number) and relationship. */
    public static Request alipay(String holderIdNumber, String holderName, String phone, String memberName,
        String memberSocialSecurityNumber, String relationship) {
      return new Request(holderIdNumber, holderName, phone, null, memberName, null, relationship, null, null, null, null,
          memberSocialSecurityNumber);
    }

    /** A counter or a hospital (guide 000 §2–3): the holder's card swiped, the member's card number keyed in, the relationship. */
    public static Request swiped(String holderCardNumber, String memberCardNumber, String relationship) {
      return new Request(null, null, null, null, null, null, relationship, null, holderCardNumber, memberCardNumber, null, null);
    }

    public Request withHolderIdNumber(String idNumber) {
      return new Request(idNumber, holderName, phone, memberIdNumber, memberName, memberPhone, relationship, memberComputerNumber,
          holderCardNumber, memberCardNumber, holderSocialSecurityNumber, memberSocialSecurityNumber);
    }

    /** With the phone the holder offers (optional at a counter or hospital). */
    public Request withPhone(String p) {
      return new Request(holderIdNumber, holderName, p, memberIdNumber, memberName, memberPhone, relationship, memberComputerNumber,
          holderCardNumber, memberCardNumber, holderSocialSecurityNumber, memberSocialSecurityNumber);
    }

    /** With the member's phone, so the member is told by SMS (optional everywhere). */
    public Request withMemberPhone(String p) {
      return new Request(holderIdNumber, holderName, phone, memberIdNumber, memberName, p, relationship, memberComputerNumber,
          holderCardNumber, memberCardNumber, holderSocialSecurityNumber, memberSocialSecurityNumber);
    }
  }

  public record Link(long id, String holderIdNumber, String memberIdNumber, String memberName, String relationship,
      String channel, String caseNumber, String childECard, Instant createdAt) {}

  private final Cases service;
  private final CaseRepository cases;
  private final ReferenceData reference;
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final AuditTrail audit;
  private final Clock clock;
  private final FamilyRules rules;
  private final InsuredPersons insured;
  private final CardLifecycle cards;
  private final Notifications notifications;
  private final PersonalFields personal;
  private final PopulationRegistry registry;
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String TABLE = "family_link";

  public FamilyBindings(Cases service, CaseRepository cases, ReferenceData reference, JdbcClient jdbc, TransactionTemplate tx,
      AuditTrail audit, Clock clock, FamilyRules rules, InsuredPersons insured, CardLifecycle cards,
      Notifications notifications, PersonalFields personal, PopulationRegistry registry) {
    this.registry = registry;
    this.personal = personal;
    this.notifications = notifications;
    this.insured = insured;
    this.cards = cards;
    this.service = service;
    this.cases = cases;
    this.reference = reference;
    this.jdbc = jdbc;
    this.tx = tx;
    this.audit = audit;
    this.clock = clock;
    this.rules = rules;
  }

  public FamilyRules rules() {
    return rules;
  }

  /** The relationships that may be bound now, in display order (all of the reference data unless the centre narrowed them). */
  public List<ReferenceData.Item> bindableRelationships() {
    return reference.items(ReferenceData.Kind.RELATIONSHIP).stream().filter(i -> rules.bindable(i.code())).toList();
  }

  /** The refusal when the centre's member limit is reached: it says the limit is the centre's, not the guides'. */
  public static CaseConflict tooManyMembers(int max) {
    return new CaseConflict("the holder already has " + max + " linked members, the most the service centre allows ("
        + FamilyRules.CENTRE_RULE + ": cardcase.family.max-members)", null, "tooManyMembers", max);
  }

  /**
   * A binding asked for through the channel API: the holder's signed citizen assertion, verified,
   * must be about the holder the request names (the family account is the holder's). The assertion's
   * id is kept with the case and in the link's audit entry.
   */
  public String request(Request r, String channel, CitizenAssertions.Proof holder) {
    if (!holder.channel().equals(channel) || !holder.isFor(r.holderIdNumber())) {
      throw new AssertionRefused(AssertionRefused.Code.OTHER_PERSON, "the citizen assertion is not about the holder of this request");
    }
    return request(r, channel, holder.auditDetail());
  }

  /**
   * For trusted in-process callers only, where the holder was identified in person (the counter's
   * clerk with the holder's card swiped, guide 000). The channel API calls {@link #request(Request,
   * String, CitizenAssertions.Proof)}.
   */
  public String request(Request r, String channel) {
    return request(r, channel, Map.of());
  }

  private String request(Request r, String channel, Map<String, Object> holderAuthentication) {
    LocalDate today = LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE));
    Map<String, String> errors = new LinkedHashMap<>();
    if (!CHANNELS.contains(channel)) {
      errors.put("channel", "family binding is done through the web portal, Alipay, a counter or a hospital insurance office");
    }
    boolean portal = Channels.WEB_PORTAL.equals(channel);
    boolean swiped = Channels.COUNTER.equals(channel) || Channels.HOSPITAL.equals(channel);
    String holder;
    String holderName;
    String phone = blank(r.phone()) ? null : r.phone().strip();
    String member;
    String memberName;
    String memberGivenBy;
    if (swiped) {
      // guide 000 §2–3: the holder's card is swiped and identifies the holder
      Card holderCard = cardInUse("holderCardNumber", r.holderCardNumber(),
          "swipe the holder's social security card or key in its number (9 letters or digits)", errors);
      holder = holderCard == null ? null : holderCard.holderIdNumber();
      holderName = holderCard == null ? null : holderCard.holderName();
      if (!blank(r.holderIdNumber())) {
        String given = idNumber("holderIdNumber", r.holderIdNumber(), today, errors);
        if (given != null && holder != null && !given.equals(holder)) {
          errors.put("holderCardNumber", "is not a card in use of this holder");
        }
      }
      if (phone != null && !phone.matches("1[3-9]\\d{9}")) {
        errors.put("phone", "the 11-digit mainland mobile number the citizen offers (optional; without one, the phone on record)");
      } else if (phone == null && holderCard != null) {
        phone = cases.find(holderCard.caseNumber()).map(CaseRecord::phone).orElse(null);
      }
      // the member's social security card number is keyed in: the card identifies the member
      Card memberCard = cardInUse("memberCardNumber", r.memberCardNumber(),
          "key in the family member's social security card number (9 letters or digits)", errors);
      member = memberCard == null ? null : memberCard.holderIdNumber();
      memberName = memberCard == null ? null : memberCard.holderName();
      memberGivenBy = "SOCIAL_SECURITY_CARD";
      if (!blank(r.memberIdNumber())) {
        String given = idNumber("memberIdNumber", r.memberIdNumber(), today, errors);
        if (given != null && member != null && !given.equals(member)) {
          errors.put("memberCardNumber", "is not a card in use of this family member");
        }
      }
      if (!blank(r.memberComputerNumber())) {
        errors.put("memberComputerNumber", "not asked here: at a counter or a hospital the member's social security card identifies"
            + " the member (only the web portal's binding asks for the social insurance computer number)");
      }
    } else {
      holder = idNumber("holderIdNumber", r.holderIdNumber(), today, errors);
      // the holder's social security number, where a channel sends one, is the holder's ID number
      String holderSsn = socialSecurityNumber("holderSocialSecurityNumber", r.holderSocialSecurityNumber(), today, errors);
      if (holderSsn != null && holder != null && !holderSsn.equals(holder)) {
        errors.put("holderSocialSecurityNumber", "the social security number is the ID number: it must be the holder's ID number");
      }
      holderName = blank(r.holderName()) ? null : r.holderName().strip();
      if (holderName == null) {
        errors.put("holderName", "required");
      }
      if (phone == null || !phone.matches("1[3-9]\\d{9}")) {
        errors.put("phone", "the holder's 11-digit mainland mobile number");
      }
      // the member: by ID number, which is the social security number (Alipay's form says so, guide 002)
      String byId = blank(r.memberIdNumber()) ? null : idNumber("memberIdNumber", r.memberIdNumber(), today, errors);
      String bySsn = socialSecurityNumber("memberSocialSecurityNumber", r.memberSocialSecurityNumber(), today, errors);
      if (byId != null && bySsn != null && !byId.equals(bySsn)) {
        errors.put("memberSocialSecurityNumber", "the social security number is the ID number: it must be the member's ID number");
      }
      member = byId != null ? byId : bySsn;
      if (member == null && blank(r.memberIdNumber()) && blank(r.memberSocialSecurityNumber())) {
        errors.put(Channels.ALIPAY.equals(channel) ? "memberSocialSecurityNumber" : "memberIdNumber",
            "the family member's 18-character ID number (their social security number)");
      }
      memberGivenBy = portal ? "COMPUTER_NUMBER_AND_ID_NUMBER" : "ID_NUMBER";
      if (portal) {
        computerNumber(r.memberComputerNumber(), member, today, errors);
      } else if (!blank(r.memberComputerNumber())) {
        errors.put("memberComputerNumber", "not asked here: only the web portal's binding asks for the social insurance computer"
            + " number (guide 000); through " + channel + " the member's social security number is their ID number");
      }
      memberName = blank(r.memberName()) ? null : r.memberName().strip();
      if (memberName == null) {
        errors.put("memberName", "required");
      }
    }
    if (!blank(r.memberPhone()) && !r.memberPhone().strip().matches("1[3-9]\\d{9}")) {
      errors.put("memberPhone", "the member's 11-digit mainland mobile number (optional: without one the member is told by the channel)");
    }
    Optional<ReferenceData.Item> rel = r.relationship() == null ? Optional.empty()
        : reference.find(ReferenceData.Kind.RELATIONSHIP, r.relationship());
    List<String> bindable = bindableRelationships().stream().map(ReferenceData.Item::code).toList();
    if (rel.isEmpty()) {
      errors.put("relationship", "one of " + bindable);
    } else if (!rules.bindable(rel.get().code())) {
      errors.put("relationship", rel.get().nameEn() + " cannot share a personal medical account here: " + FamilyRules.CENTRE_RULE
          + " (cardcase.family.relationships) allows " + bindable);
    }
    if (holder != null && holder.equals(member)) {
      errors.remove("memberSocialSecurityNumber");
      errors.put(swiped ? "memberCardNumber" : "memberIdNumber", "a holder cannot link their own account");
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    activeLink(holder, member).ifPresent(l -> {
      throw new CaseConflict("this member is already linked to this holder", l.caseNumber(), "alreadyLinked", l.caseNumber());
    });
    int maxMembers = rules.getMaxMembers();
    if (rules.limitsMembers() && links(holder).size() >= maxMembers) {
      throw tooManyMembers(maxMembers);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("memberIdNumber", member);
    data.put("memberName", memberName);
    if (!blank(r.memberPhone())) {
      data.put("memberPhone", r.memberPhone().strip());
    }
    data.put("relationship", r.relationship());
    data.put("memberGivenBy", memberGivenBy);
    holderAuthentication.forEach((k, v) -> data.put("holder" + Character.toUpperCase(k.charAt(0)) + k.substring(1), v));
    String memberId = member;
    String holderPhone = phone;
    return tx.execute(s -> {
      String cn = service.open(TYPE, FamilyBindingProcess.PROCESS_ID, channel, holderName, holder, holderPhone, null, Map.of());
      cases.putData(cn, data);
      // the checks above again, under the holder's lock, with the bindings still being processed:
      // of requests for one holder that arrive at the same moment, each sees those stored before it
      lockHolder(holder);
      cases.otherOpenCaseByData(holder, TYPE, "memberIdNumber", memberId, cn).ifPresent(open -> {
        throw new CaseConflict("a binding of this member to this holder is already being processed: " + open, open,
            "bindingOpen", open);
      });
      activeLink(holder, memberId).ifPresent(l -> {
        throw new CaseConflict("this member is already linked to this holder", l.caseNumber(), "alreadyLinked",
            l.caseNumber() == null ? "" : l.caseNumber());
      });
      if (rules.limitsMembers() && links(holder).size() + cases.otherOpenCasesOf(holder, TYPE, cn).size() >= maxMembers) {
        throw tooManyMembers(maxMembers);
      }
      return cn;
    });
  }

  /**
   * Serialises changes to one holder's family account until the caller's transaction ends (a
   * PostgreSQL advisory lock on the holder): a binding request counts the holder's links and
   * bindings in progress under it, and a link is made under it, so a count never misses one or
   * counts one twice and the member limit holds however many requests arrive at once.
   */
  private void lockHolder(String holderIdNumber) {
    jdbc.sql("select pg_advisory_xact_lock(hashtextextended(?, 0))").param("family-holder:" + holderIdNumber)
        .query((rs, i) -> 1).list();
  }

  /**
   * The holder's active links, shown to a channel that proved it authenticated the holder (guide
   * 002: the family account is the holder's; an ID number alone is not enough). Each link shown is
   * audited on the case that made it, with the assertion's id.
   */
  public List<Link> links(CitizenAssertions.Proof holder) {
    List<Link> out = links(holder.idNumber());
    String lookup = UUID.randomUUID().toString();
    tx.executeWithoutResult(s -> out.stream().filter(l -> l.caseNumber() != null).forEach(l -> {
      Map<String, Object> detail = new LinkedHashMap<>(holder.auditDetail());
      detail.put("link", l.id());
      audit.append(AuditTrail.ofCase(l.caseNumber()), "links-lookup:" + lookup, holder.channel(), holder.channel(),
          "FAMILY_LINKS_LOOKED_UP", detail);
    }));
    return out;
  }

  /** Active links of a holder, oldest first. */
  public List<Link> links(String holderIdNumber) {
    return jdbc.sql("""
        select * from family_link where (holder_bidx = ? or holder_id_number = ?) and removed_at is null order by id""")
        .params(personal.idIndex(holderIdNumber), holderIdNumber).query(this::map).list();
  }

  public Optional<Link> activeLink(String holder, String member) {
    return jdbc.sql("""
        select * from family_link where ((holder_bidx = ? and member_bidx = ?) or (holder_id_number = ? and member_id_number = ?))
          and removed_at is null""")
        .params(personal.idIndex(holder), personal.idIndex(member), holder, member).query(this::map).optional();
  }

  /**
   * Removes a link of the holder the proof is about; audited on the case that made it (with the
   * assertion's id), and the holder is told by SMS, once, in the same transaction: a removal whose
   * message could not be sent is not made, and a retried one finds the link gone.
   */
  public void remove(long linkId, CitizenAssertions.Proof holder) {
    String channel = holder.channel();
    Link l = jdbc.sql("select * from family_link where id = ? and removed_at is null").param(linkId).query(this::map)
        .optional().filter(x -> holder.isFor(x.holderIdNumber())).orElseThrow(() -> new CaseNotFound("family link " + linkId));
    tx.executeWithoutResult(s -> {
      int n = jdbc.sql("update family_link set removed_at = now(), removed_by = ? where id = ? and removed_at is null")
          .params(channel, linkId).update();
      if (n == 0) {
        return; // removed meanwhile by another request, which told the holder
      }
      if (l.caseNumber() != null) {
        Map<String, Object> detail = new LinkedHashMap<>(holder.auditDetail());
        detail.put("link", linkId);
        audit.append(AuditTrail.ofCase(l.caseNumber()), "link-removed:" + linkId, channel, channel, "FAMILY_LINK_REMOVED", detail);
      }
      String phone = holderPhone(l.holderIdNumber(), l.caseNumber() == null ? null
          : cases.find(l.caseNumber()).map(CaseRecord::phone).orElse(null));
      if (phone != null) {
        notifications.send(l.caseNumber(), "link-removed:" + linkId + ":holder-told", phone, "family-link-removed",
            Map.of("memberName", Masking.name(l.memberName()), "channel", channelName(channel)));
      }
    });
  }

  /**
   * Where the holder is told of a change to their family account: the phone of the case that issued
   * their card (what the service centre knows of them), else the phone given with the binding.
   */
  public String holderPhone(String holderIdNumber, String given) {
    return cards.withMedicalInsuranceNumber(holderIdNumber).flatMap(c -> cases.find(c.caseNumber()))
        .map(CaseRecord::phone).filter(p -> p != null && !p.isBlank()).orElse(given);
  }

  /** The channel as citizens call it (网上服务大厅, 支付宝, …). */
  public String channelName(String channel) {
    return reference.find(ReferenceData.Kind.CHANNEL, channel).map(ReferenceData.Item::nameZh).orElse(channel);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String idNumber(String field, String idNumber, LocalDate today, Map<String, String> errors) {
    IdNumber.Check id = IdNumber.check(idNumber, today);
    if (!id.valid()) {
      errors.put(field, String.join("; ", id.errors()));
      return null;
    }
    return id.idNumber().value();
  }

  /**
   * A field named "social security number": the citizen's ID number (guide 000: "el número de
   * seguridad social adopta el número de ciudadano", the Social Insurance Law), checked as one.
   * Null when not given or not valid (then the error is at the field).
   */
  private String socialSecurityNumber(String field, String given, LocalDate today, Map<String, String> errors) {
    if (blank(given)) {
      return null;
    }
    IdNumber.Check id = IdNumber.check(given.strip(), today);
    if (id.valid()) {
      return id.idNumber().value();
    }
    boolean computerNumber = insured.computerNumberProblem(given.strip()).isEmpty();
    errors.put(field, "the social security number is the citizen's 18-character ID number (Social Insurance Law)"
        + (computerNumber ? ", not the social insurance computer number" : ": " + String.join("; ", id.errors())));
    return null;
  }

  /**
   * The web portal's binding (guide 000 §1): the member's social insurance computer number, in the
   * enrolment's format, and the enrolment's number of this member. A person the enrolment does not
   * insure has none: the binding's own check refuses them with the reason.
   */
  private void computerNumber(String given, String member, LocalDate today, Map<String, String> errors) {
    String field = "memberComputerNumber";
    if (blank(given)) {
      errors.put(field, "the family member's social insurance computer number (社保电脑号): the web portal's binding asks for it"
          + " (guide 000)");
      return;
    }
    String n = given.strip();
    Optional<String> problem = insured.computerNumberProblem(n);
    if (problem.isPresent()) {
      errors.put(field, IdNumber.check(n.toUpperCase(), today).valid()
          ? "this is an ID number; the social insurance computer number is the enrolment's own number of the member"
          : problem.get());
      return;
    }
    if (member != null) {
      insured.computerNumberOf(member).filter(x -> !x.equals(n))
          .ifPresent(x -> errors.put(field, "is not this family member's social insurance computer number"));
    }
  }

  /** A social security card in use, by its number (swiped or keyed in); null with the error at the field otherwise. */
  private Card cardInUse(String field, String number, String ask, Map<String, String> errors) {
    String n = blank(number) ? null : number.strip().toUpperCase();
    if (n == null || !n.matches("[A-Z0-9]{9}")) {
      errors.put(field, ask);
      return null;
    }
    Optional<Card> card = cards.byCardNumber(n).filter(c -> c.state().settles());
    if (card.isEmpty()) {
      errors.put(field, "is not a social security card in use");
    }
    return card.orElse(null);
  }

  /**
   * The child appears in the parent's family account with a child e-card issued by the case
   * (in the caller's transaction). Issued once per case: a repeated call returns the same number.
   */
  public String addChildWithECard(String parentIdNumber, String childIdNumber, String childName, String channel,
      String caseNumber) {
    String existing = jdbc.sql("select child_e_card from family_link where case_number = ?").param(caseNumber)
        .query(String.class).optional().orElse(null);
    if (existing != null) {
      return existing;
    }
    long serial = jdbc.sql("select nextval('child_e_card_seq')").query(Long.class).single();
    String number = "EC" + childIdNumber.substring(0, 6) + String.format("%08d", serial);
    long id = jdbc.sql("select nextval('family_link_id_seq')").query(Long.class).single();
    jdbc.sql("""
        insert into family_link (id, personal, holder_bidx, member_bidx, relationship, channel, case_number, child_e_card)
        values (?, ?, ?, ?, 'CHILD', ?, ?, ?)
        on conflict (holder_bidx, member_bidx) where removed_at is null
        do update set child_e_card = excluded.child_e_card, case_number = excluded.case_number""")
        .params(id, personal.seal(TABLE, Long.toString(id), fields(parentIdNumber, childIdNumber, childName)),
            personal.idIndex(parentIdNumber), personal.idIndex(childIdNumber), channel, caseNumber, number).update();
    return number;
  }

  /**
   * Links a member to a holder (in the caller's transaction); 0 if an active link of the two
   * exists (the unique index on the blind indexes), 1 if made.
   */
  private int insertLink(String holderIdNumber, String memberIdNumber, String memberName, String relationship, String channel,
      String caseNumber) {
    long id = jdbc.sql("select nextval('family_link_id_seq')").query(Long.class).single();
    return jdbc.sql("""
        insert into family_link (id, personal, holder_bidx, member_bidx, relationship, channel, case_number)
        values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing""")
        .params(id, personal.seal(TABLE, Long.toString(id), fields(holderIdNumber, memberIdNumber, memberName)),
            personal.idIndex(holderIdNumber), personal.idIndex(memberIdNumber), relationship, channel, caseNumber).update();
  }

  static Map<String, Object> fields(String holderIdNumber, String memberIdNumber, String memberName) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("holderIdNumber", holderIdNumber);
    f.put("memberIdNumber", memberIdNumber);
    f.put("memberName", memberName);
    return f;
  }

  /** A link row, the people's fields decrypted (or the plain columns of a row not yet encrypted). */
  Link map(ResultSet rs, int i) throws SQLException {
    byte[] sealed = rs.getBytes("personal");
    Map<String, Object> p = sealed != null ? personal.open(TABLE, Long.toString(rs.getLong("id")), sealed)
        : fields(rs.getString("holder_id_number"), rs.getString("member_id_number"), rs.getString("member_name"));
    return new Link(rs.getLong("id"), PersonalFields.text(p, "holderIdNumber"),
        PersonalFields.text(p, "memberIdNumber"), PersonalFields.text(p, "memberName"),
        rs.getString("relationship"), rs.getString("channel"), rs.getString("case_number"), rs.getString("child_e_card"),
        rs.getTimestamp("created_at").toInstant());
  }

  // ---- the automated steps of a binding case, each safe to run twice ----

  /**
   * Why the binding of the case is refused, empty if it may be made: the member known to the
   * population registry (the holder is a card holder of ours or was verified at the channel), both
   * insured with a personal medical account, a relationship that may share one here, the member not
   * linked yet, and the centre's member limit (links made by this case itself do not count, so a
   * redelivered check decides the same).
   */
  public Optional<String> check(String caseNumber) throws Exception {
    CaseRecord c = cases.get(caseNumber);
    JsonNode d = JSON.readTree(cases.data(caseNumber));
    String member = d.get("memberIdNumber").asText();
    String relationship = d.get("relationship").asText();
    if (registry.verify(member, d.get("memberName").asText(), null).match() == PopulationRegistry.Match.NO_MATCH) {
      return Optional.of("the population registry has no such family member (check the name and ID number)");
    }
    if (!insured.insured(c.idNumber())) {
      return Optional.of("the holder is not insured with a personal medical account");
    }
    if (!insured.insured(member)) {
      return Optional.of("the family member is not insured with a personal medical account");
    }
    if (reference.find(ReferenceData.Kind.RELATIONSHIP, relationship).isEmpty() || !rules.bindable(relationship)) {
      return Optional.of("this relationship cannot share a personal medical account here (" + FamilyRules.CENTRE_RULE + ")");
    }
    if (activeLink(c.idNumber(), member).filter(l -> !caseNumber.equals(l.caseNumber())).isPresent()) {
      return Optional.of("this member is already linked");
    }
    if (rules.limitsMembers()
        && links(c.idNumber()).stream().filter(l -> !caseNumber.equals(l.caseNumber())).count() >= rules.getMaxMembers()) {
      return Optional.of("the holder already has " + rules.getMaxMembers() + " linked members, the most the service centre allows ("
          + FamilyRules.CENTRE_RULE + ")");
    }
    return Optional.empty();
  }

  /**
   * Links the case's member to the holder (once: the unique index on active links makes a second
   * insert a no-op, audited only when made), closes the case linked, and tells the member (where a
   * phone was given) and the holder.
   */
  public void link(String caseNumber) throws Exception {
    CaseRecord c = cases.get(caseNumber);
    JsonNode d = JSON.readTree(cases.data(caseNumber));
    String member = d.get("memberIdNumber").asText();
    tx.executeWithoutResult(s -> {
      lockHolder(c.idNumber()); // a binding request counting the holder's links waits for this one
      int n = insertLink(c.idNumber(), member, d.get("memberName").asText(), d.get("relationship").asText(), c.channel(),
          caseNumber);
      if (n > 0) {
        Map<String, Object> detail = new HashMap<>();
        detail.put("relationship", d.get("relationship").asText());
        // how the channel proved it authenticated the holder (the assertion's id), when it came through the API
        if (d.hasNonNull("holderAuthenticatedBy")) {
          detail.put("authenticatedBy", d.get("holderAuthenticatedBy").asText());
        }
        if (d.hasNonNull("holderAssertionId")) {
          detail.put("assertionId", d.get("holderAssertionId").asText());
        }
        audit.append(AuditTrail.ofCase(caseNumber), "linked", c.channel(), c.channel(), "FAMILY_LINKED", detail);
      }
      if (cases.changeStatus(caseNumber, CaseStatus.LINKED, "linked")) {
        cases.close(caseNumber, FamilyBindingProcess.END_LINKED);
      }
    });
    String relation = reference.find(ReferenceData.Kind.RELATIONSHIP, d.get("relationship").asText())
        .map(ReferenceData.Item::nameZh).orElse("");
    if (d.hasNonNull("memberPhone")) { // through Alipay the member may have given none: told in the app
      notifications.send(caseNumber, caseNumber + ":member-told", d.get("memberPhone").asText(), "family-linked",
          Map.of("holderName", Masking.name(c.applicantName()), "relationship", relation));
    }
    // the holder is told too, where the service centre knows them, so a link they did not make does not go unseen
    notifications.send(caseNumber, caseNumber + ":holder-told", holderPhone(c.idNumber(), c.phone()), "family-link-added",
        Map.of("memberName", Masking.name(d.get("memberName").asText()), "relationship", relation,
            "channel", channelName(c.channel())));
  }

  /** Refused for {@code reason}: the case closes refused (audited once) and the holder is told. */
  public void refuse(String caseNumber, String reason) {
    CaseRecord c = cases.get(caseNumber);
    tx.executeWithoutResult(s -> {
      if (cases.changeStatus(caseNumber, CaseStatus.REFUSED, "refused")) {
        audit.append(AuditTrail.ofCase(caseNumber), "refusal", "system", null, "FAMILY_BINDING_REFUSED", Map.of("reason", reason));
        cases.close(caseNumber, FamilyBindingProcess.END_REFUSED);
      }
    });
    notifications.send(caseNumber, caseNumber + ":refused", c.phone(), "family-refused", Map.of("caseNumber", caseNumber, "reason", reason));
  }
}
