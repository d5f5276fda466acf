package org.cardcase.citizencopy;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.cardcase.access.Account;
import org.cardcase.access.Accounts;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.casefile.CaseFiles;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.family.FamilyBindings;
import org.cardcase.loss.LossReports;
import org.cardcase.notifications.Notifications;
import org.cardcase.reissue.Vouchers;
import org.cardcase.shared.IdNumber;
import org.cardcase.shared.Masking;
import org.cardcase.verification.PhotosOnFile;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The citizen's own copy of the data held about them (PIPL art. 45): their cases with every step
 * and deadline, their cards with the full numbers, their family links, pickup vouchers, loss
 * reports, the messages sent to them, and who looked at their cases and why. Only for a verified
 * citizen assertion ({@link CitizenAssertions.Proof}): everything is read with the proof's ID
 * number, never with a number a caller names.
 *
 * <p>What belongs to someone else stays masked: a family member appears by relationship with a
 * masked name and ID number, except a child of the citizen under 18 whose e-card the citizen
 * obtained as the parent (the child e-card process checked the household register and the
 * parent's commitment letter), whose data the citizen as guardian exercises. Staff who looked are
 * shown by role and work group and the audit entry's reference, not by their account name: the
 * service centre resolves the reference for a complaint; a citizen does not need staff names.
 *
 * <p>Obtaining the copy is itself in the audit trail of each of the citizen's cases (and of their
 * own trail {@code person:hmac:…}), with the channel, the method and the assertion's id.
 */
@Service
public class CitizenCopies {
  /** The audit action of a copy obtained. */
  public static final String OBTAINED = "CITIZEN_COPY_OBTAINED";

  private final CaseRepository cases;
  private final CaseFiles caseFiles;
  private final CardLifecycle cards;
  private final FamilyBindings families;
  private final Vouchers vouchers;
  private final Notifications notifications;
  private final PhotosOnFile photosOnFile;
  private final Accounts accounts;
  private final AuditTrail audit;
  private final Clock clock;
  private final TransactionTemplate tx;

  public CitizenCopies(CaseRepository cases, CaseFiles caseFiles, CardLifecycle cards, FamilyBindings families, Vouchers vouchers,
      Notifications notifications, PhotosOnFile photosOnFile, Accounts accounts, AuditTrail audit, Clock clock, TransactionTemplate tx) {
    this.tx = tx;
    this.cases = cases;
    this.caseFiles = caseFiles;
    this.cards = cards;
    this.families = families;
    this.vouchers = vouchers;
    this.notifications = notifications;
    this.photosOnFile = photosOnFile;
    this.accounts = accounts;
    this.audit = audit;
    this.clock = clock;
  }

  /** The whole copy. {@code name} is the citizen's name as their newest case or card has it. */
  public record Copy(Instant madeAt, String channel, String authenticatedBy, String assertionId, String idNumber, String name,
      List<CaseEntry> cases, List<CardEntry> cards, List<FamilyMember> family, List<VoucherEntry> vouchers,
      List<CaseEntry> lossReports, List<Message> notifications, List<Look> looks) {}

  /** A stay at a step: entered, left (null while the case is there). */
  public record Stay(String step, Instant enteredAt, Instant leftAt) {}

  /** A deadline of the case: due date, working days left, whether the step the case waits at reads it. */
  public record Due(String name, LocalDate date, int workingDaysLeft, boolean provisional, boolean running) {}

  public record CaseEntry(String caseNumber, String caseType, String status, String currentStep, String channel,
      Instant openedAt, Instant closedAt, List<Stay> steps, List<Due> deadlines) {}

  /** A card's move: when, from, to, through which channel, by whom (as {@link Who}). */
  public record CardMove(Instant at, String from, String to, String channel, Who by, String reason) {}

  public record CardEntry(String cardId, String caseNumber, String cardNumber, String medicalInsuranceNumber, String state,
      String issuingBank, Instant createdAt, List<CardMove> history) {}

  /**
   * A family member linked to the citizen's account: shown in full only for their own minor child
   * with an e-card ({@code shownInFull}), otherwise by relationship with a masked name and number.
   */
  public record FamilyMember(String relationship, String name, String idNumber, boolean shownInFull, String childECard,
      String channel, String caseNumber, Instant linkedAt) {}

  public record VoucherEntry(String number, String caseNumber, String state, LocalDate pickupDate, boolean pickupProvisional,
      Instant issuedAt, Instant endedAt, String endReason) {}

  /** A message sent to the citizen, as it was sent. */
  public record Message(String caseNumber, String template, String text, Instant sentAt) {}

  /**
   * Who looked or acted: {@code kind} STAFF (by roles and work groups), CHANNEL (the channel system,
   * {@code channel} its name), SYSTEM; never a member of staff's account name.
   */
  public record Who(String kind, List<String> roles, List<String> workGroups, String channel) {}

  /**
   * One look at the citizen's data: when, the case (null: their own trail, e.g. the registry's
   * photo shown before an application), what was done, by whom, through which screen or channel,
   * why (the reason given, if any), how the citizen was authenticated when it was them, and the
   * audit entry's reference ({@code case:SC…#seq}) to ask the service centre about it.
   */
  public record Look(Instant at, String caseNumber, String action, Who who, String via, String reason, String authenticatedBy,
      String reference) {}

  /**
   * The copy for the person the proof is about, obtained through {@code proof.channel()} as
   * {@code format} (JSON or PDF): audited on each of their cases and on their own trail first, so
   * the copy lists itself among the looks.
   */
  public Copy copyOf(CitizenAssertions.Proof proof, String format) {
    return tx.execute(status -> {
      String idNumber = proof.idNumber();
      List<CaseRecord> all = cases.findAll(cases.caseNumbersOf(idNumber)).stream()
          .sorted(Comparator.comparing(CaseRecord::createdAt).reversed()).toList();
      String event = "own-copy:" + UUID.randomUUID();
      Map<String, Object> detail = new LinkedHashMap<>(proof.auditDetail());
      detail.put("format", format);
      for (CaseRecord c : all) {
        audit.append(AuditTrail.ofCase(c.caseNumber()), event, proof.channel(), proof.channel(), OBTAINED, detail);
      }
      audit.append(photosOnFile.subject(idNumber), event, proof.channel(), proof.channel(), OBTAINED, detail);

      List<String> numbers = all.stream().map(CaseRecord::caseNumber).toList();
      Map<String, List<Stay>> stays = new LinkedHashMap<>();
      cases.visits(numbers).forEach(v -> stays.computeIfAbsent(v.caseNumber(), k -> new ArrayList<>())
          .add(new Stay(v.step(), v.enteredAt(), v.leftAt())));
      List<CaseEntry> caseEntries = all.stream().map(c -> entry(c, stays.getOrDefault(c.caseNumber(), List.of()))).toList();

      Map<String, Who> who = new HashMap<>();
      List<Card> held = cards.ofHolder(idNumber);
      List<CardEntry> cardEntries = held.stream().map(k -> card(k, who)).toList();
      LocalDate today = LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE));
      List<FamilyMember> family = families.links(idNumber).stream().map(l -> member(l, today)).toList();
      List<VoucherEntry> voucherEntries = numbers.stream().map(vouchers::ofCase).flatMap(Optional::stream)
          .map(v -> new VoucherEntry(v.number(), v.caseNumber(), v.state().name(), v.pickupDate(), v.pickupProvisional(), v.issuedAt(),
              v.endedAt(), v.endReason())).toList();
      List<Message> messages = new ArrayList<>();
      for (String n : numbers) {
        notifications.sentToCaseCitizen(n).forEach(m -> messages.add(new Message(n, String.valueOf(m.get("template")),
            String.valueOf(m.get("text")), instant(m.get("sent_at")))));
      }
      messages.sort(Comparator.comparing(Message::sentAt, Comparator.nullsLast(Comparator.naturalOrder())));

      List<Look> looks = new ArrayList<>();
      for (String n : numbers) {
        caseFiles.looks(n).forEach(e -> looks.add(look(e, n, who)));
      }
      photosOnFile.trail(idNumber).forEach(e -> looks.add(look(e, null, who)));
      looks.sort(Comparator.comparing(Look::at));

      String name = all.stream().map(CaseRecord::applicantName).filter(s -> s != null && !s.isBlank()).findFirst()
          .or(() -> held.stream().map(Card::holderName).filter(s -> s != null && !s.isBlank()).findFirst()).orElse(null);
      return new Copy(clock.instant(), proof.channel(), proof.method(), proof.assertionId(), idNumber, name, caseEntries, cardEntries,
          family, voucherEntries, caseEntries.stream().filter(c -> LossReports.TYPE.equals(c.caseType())).toList(), messages,
          looks);
    });
  }

  private CaseEntry entry(CaseRecord c, List<Stay> steps) {
    List<Due> due = caseFiles.find(c.caseNumber()).map(f -> f.deadlines().stream().map(d -> new Due(d.deadline().name(),
        LocalDate.ofInstant(d.deadline().dueAt(), WorkingDayCalendar.ZONE), d.workingDaysLeft(), d.deadline().provisional(),
        d.running())).toList()).orElse(List.of());
    return new CaseEntry(c.caseNumber(), c.caseType(), c.status().name(), c.currentStep(), c.channel(), c.createdAt(), c.closedAt(),
        steps, due);
  }

  private CardEntry card(Card k, Map<String, Who> who) {
    List<CardMove> history = cards.history(k.cardId()).stream().map(t -> new CardMove(t.at(), t.from() == null ? null
        : t.from().name(), t.to().name(), t.channel(), who(t.actor(), who), t.reason())).toList();
    return new CardEntry(k.cardId(), k.caseNumber(), k.cardNumber(), k.medicalInsuranceNumber(), k.state().name(), k.issuingBank(),
        k.createdAt(), history);
  }

  /**
   * A linked member: in full only for the citizen's own child under 18 with an e-card (the child
   * e-card process established the parent); anyone else by relationship, name and number masked.
   */
  static FamilyMember member(FamilyBindings.Link l, LocalDate today) {
    IdNumber.Check member = IdNumber.check(l.memberIdNumber(), today);
    boolean guardian = l.childECard() != null && "CHILD".equals(l.relationship()) && member.valid()
        && member.idNumber().ageOn(today) < 18;
    return new FamilyMember(l.relationship(), guardian ? l.memberName() : Masking.name(l.memberName()),
        guardian ? l.memberIdNumber() : Masking.idNumber(l.memberIdNumber()), guardian,
        l.childECard() == null ? null : guardian ? l.childECard() : Masking.cardNumber(l.childECard()), l.channel(), l.caseNumber(),
        l.createdAt());
  }

  private Look look(AuditTrail.Entry e, String caseNumber, Map<String, Who> who) {
    Object reason = e.detail().get("reason");
    Object method = e.detail().get("authenticatedBy");
    return new Look(e.at(), caseNumber, e.action(), who(e.actor(), who), e.channel(), reason == null ? null : reason.toString(),
        method == null ? null : method.toString(), e.subject() + "#" + e.seq());
  }

  /** A member of staff by roles and work groups, a channel or partner by its name, anything else as the system. */
  private Who who(String actor, Map<String, Who> seen) {
    return seen.computeIfAbsent(actor == null ? "" : actor, a -> {
      if (a.isEmpty() || a.equals("system") || a.startsWith("machine:") || a.equals("citizen")) {
        return new Who(a.equals("citizen") ? "CITIZEN" : "SYSTEM", List.of(), List.of(), null);
      }
      Optional<Account> account = accounts.find(a);
      if (account.isPresent() && !"STAFF".equals(account.get().kind())) {
        return new Who("CHANNEL", List.of(), List.of(), a);
      }
      // a member of staff (one whose account was disabled since is still staff, roles unknown now)
      return new Who("STAFF", account.map(Account::roles).orElse(List.of()), account.map(Account::groups).orElse(List.of()), null);
    });
  }

  private static Instant instant(Object o) {
    if (o instanceof Timestamp t) {
      return t.toInstant();
    }
    if (o instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    return o instanceof Instant i ? i : null;
  }
}
