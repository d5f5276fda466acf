package org.cardcase.family;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.cardcase.assertions.AssertionRefused;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.Cases;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.IdNumber;
import org.cardcase.processes.FamilyBindingProcess;
import org.cardcase.shared.Channels;
import org.cardcase.shared.Masking;
import org.cardcase.shared.ReferenceData;
import org.cardcase.notifications.Notifications;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Family binding: a holder links family members' personal medical accounts (web portal, Alipay,
 * counter, or a hospital's insurance office). Alipay asks only the member's name, social security
 * number and relationship (guide 002); the member's ID number and phone are optional there. The social security number is the ID number (Social
 * Insurance Law), so both are asked for and must agree.
 */
@Service
public class FamilyBindings {
  public static final String TYPE = "FAMILY_BINDING";
  static final List<String> CHANNELS = List.of(Channels.WEB_PORTAL, Channels.ALIPAY, Channels.COUNTER, Channels.HOSPITAL);

  /**
   * {@code holderCardNumber}: at a counter or a hospital's insurance office the holder's card is
   * swiped (or its number keyed in) and identifies the holder (guide 000); the social security
   * numbers are the enrolment's own numbers, not ID numbers.
   */
  public record Request(String holderIdNumber, String holderSocialSecurityNumber, String holderName, String phone,
      String memberIdNumber, String memberSocialSecurityNumber, String memberName, String memberPhone, String relationship,
      String holderCardNumber) {
    public Request(String holderIdNumber, String holderSocialSecurityNumber, String holderName, String phone,
        String memberIdNumber, String memberSocialSecurityNumber, String memberName, String memberPhone, String relationship) {
      this(holderIdNumber, holderSocialSecurityNumber, holderName, phone, memberIdNumber, memberSocialSecurityNumber, memberName,
          memberPhone, relationship, null);
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
  private final int maxMembers;
  private final InsuredPersons insured;
  private final org.cardcase.cards.CardLifecycle cards;
  private final Notifications notifications;

  public FamilyBindings(Cases service, CaseRepository cases, ReferenceData reference, JdbcClient jdbc, TransactionTemplate tx,
      AuditTrail audit, Clock clock, @Value("${cardcase.family.max-members:5}") int maxMembers, InsuredPersons insured,
      org.cardcase.cards.CardLifecycle cards, Notifications notifications) {
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
    this.maxMembers = maxMembers;
  }

  public int maxMembers() {
    return maxMembers;
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
    boolean alipay = Channels.ALIPAY.equals(channel);
    boolean swiped = Channels.COUNTER.equals(channel) || Channels.HOSPITAL.equals(channel);
    String holder = idNumber("holderIdNumber", r.holderIdNumber(), today, errors);
    if (swiped) {
      // guide 000: at a counter or a hospital the holder's card is swiped or its number keyed in
      if (blank(r.holderCardNumber()) || !r.holderCardNumber().strip().toUpperCase().matches("[A-Z0-9]{9}")) {
        errors.put("holderCardNumber", "swipe the holder's social security card or key in its number (9 letters or digits)");
      } else if (holder != null && cards.byCardNumber(r.holderCardNumber().strip().toUpperCase())
          .filter(c -> c.holderIdNumber().equals(holder) && c.state().settles()).isEmpty()) {
        errors.put("holderCardNumber", "is not a card in use of this holder");
      }
    } else {
      socialSecurityNumber("holderSocialSecurityNumber", holder, r.holderSocialSecurityNumber(), errors);
    }
    // Alipay's form has the member's social security number, not the ID number (guide 002)
    String member;
    if (alipay && blank(r.memberIdNumber())) {
      member = null;
      if (!InsuredPersons.wellFormed(r.memberSocialSecurityNumber())) {
        errors.put("memberSocialSecurityNumber", "the member's social security number: 10 digits, the last a check digit");
      } else {
        member = insured.idNumberOf(r.memberSocialSecurityNumber()).orElse(null);
        if (member == null) {
          errors.put("memberSocialSecurityNumber", "no insured person has this social security number");
        }
      }
    } else {
      member = idNumber("memberIdNumber", r.memberIdNumber(), today, errors);
      socialSecurityNumber("memberSocialSecurityNumber", member, r.memberSocialSecurityNumber(), errors);
    }
    if (r.holderName() == null || r.holderName().isBlank()) {
      errors.put("holderName", "required");
    }
    if (r.memberName() == null || r.memberName().isBlank()) {
      errors.put("memberName", "required");
    }
    if (r.phone() == null || !r.phone().matches("1[3-9]\\d{9}")) {
      errors.put("phone", "the holder's 11-digit mainland mobile number");
    }
    if (alipay && blank(r.memberPhone())) {
      // the member is told in the app; no SMS
    } else if (r.memberPhone() == null || !r.memberPhone().matches("1[3-9]\\d{9}")) {
      errors.put("memberPhone", "the member's 11-digit mainland mobile number (the member is told of the link)");
    }
    Optional<ReferenceData.Item> rel = r.relationship() == null ? Optional.empty()
        : reference.find(ReferenceData.Kind.RELATIONSHIP, r.relationship());
    List<String> bindable = reference.items(ReferenceData.Kind.RELATIONSHIP).stream().filter(i -> i.flag("bindable"))
        .map(ReferenceData.Item::code).toList();
    if (rel.isEmpty()) {
      errors.put("relationship", "one of " + bindable);
    } else if (!rel.get().flag("bindable")) {
      errors.put("relationship", rel.get().nameEn() + " cannot share a personal medical account; allowed: " + bindable);
    }
    if (holder != null && holder.equals(member)) {
      errors.remove("memberSocialSecurityNumber");
      errors.put("memberIdNumber", "a holder cannot link their own account");
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    activeLink(holder, member).ifPresent(l -> {
      throw new CaseConflict("this member is already linked to this holder", l.caseNumber(), "alreadyLinked", l.caseNumber());
    });
    if (links(holder).size() >= maxMembers) {
      throw new CaseConflict("the holder already has " + maxMembers + " linked members, the most allowed", null, "tooManyMembers",
          maxMembers);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("memberIdNumber", member);
    data.put("memberName", r.memberName().strip());
    if (!blank(r.memberPhone())) {
      data.put("memberPhone", r.memberPhone());
    }
    data.put("relationship", r.relationship());
    holderAuthentication.forEach((k, v) -> data.put("holder" + Character.toUpperCase(k.charAt(0)) + k.substring(1), v));
    String memberId = member;
    return service.open(TYPE, FamilyBindingProcess.PROCESS_ID, channel, r.holderName().strip(), holder, r.phone(), null, Map.of(),
        cn -> {
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
          if (links(holder).size() + cases.otherOpenCasesOf(holder, TYPE, cn).size() >= maxMembers) {
            throw new CaseConflict("the holder already has " + maxMembers + " linked members, the most allowed", null,
                "tooManyMembers", maxMembers);
          }
        });
  }

  /**
   * Serialises changes to one holder's family account until the caller's transaction ends (a
   * PostgreSQL advisory lock on the holder): a binding request counts the holder's links and
   * bindings in progress under it, and a link is made under it, so a count never misses one or
   * counts one twice and the member limit holds however many requests arrive at once.
   */
  public void lockHolder(String holderIdNumber) {
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
    return jdbc.sql("select * from family_link where holder_id_number = ? and removed_at is null order by id").param(holderIdNumber)
        .query(FamilyBindings::map).list();
  }

  public Optional<Link> activeLink(String holder, String member) {
    return jdbc.sql("select * from family_link where holder_id_number = ? and member_id_number = ? and removed_at is null")
        .params(holder, member).query(FamilyBindings::map).optional();
  }

  /**
   * Removes a link of the holder the proof is about; audited on the case that made it (with the
   * assertion's id), and the holder is told by SMS, once, in the same transaction: a removal whose
   * message could not be sent is not made, and a retried one finds the link gone.
   */
  public void remove(long linkId, CitizenAssertions.Proof holder) {
    String channel = holder.channel();
    Link l = jdbc.sql("select * from family_link where id = ? and removed_at is null").param(linkId).query(FamilyBindings::map)
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
          : cases.find(l.caseNumber()).map(org.cardcase.cases.CaseRecord::phone).orElse(null));
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
        .map(org.cardcase.cases.CaseRecord::phone).filter(p -> p != null && !p.isBlank()).orElse(given);
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
   * The social security number given must be this person's, as the enrolment has it. A person the
   * enrolment does not insure has none: the binding's own check refuses them with the reason.
   */
  private void socialSecurityNumber(String field, String idNumber, String given, Map<String, String> errors) {
    if (!InsuredPersons.wellFormed(given == null ? null : given.strip())) {
      errors.put(field, "the social security number: 10 digits, the last a check digit (it is not the ID number)");
      return;
    }
    if (idNumber != null) {
      insured.socialSecurityNumberOf(idNumber).filter(n -> !n.equals(given.strip()))
          .ifPresent(n -> errors.put(field, "is not this person's social security number"));
    }
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
    jdbc.sql("""
        insert into family_link (holder_id_number, member_id_number, member_name, relationship, channel, case_number, child_e_card)
        values (?, ?, ?, 'CHILD', ?, ?, ?)
        on conflict (holder_id_number, member_id_number) where removed_at is null
        do update set child_e_card = excluded.child_e_card, case_number = excluded.case_number""")
        .params(parentIdNumber, childIdNumber, childName, channel, caseNumber, number).update();
    return number;
  }

  static Link map(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
    return new Link(rs.getLong("id"), rs.getString("holder_id_number"), rs.getString("member_id_number"), rs.getString("member_name"),
        rs.getString("relationship"), rs.getString("channel"), rs.getString("case_number"), rs.getString("child_e_card"),
        rs.getTimestamp("created_at").toInstant());
  }

}
