package org.cardcase.cards;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.shared.CheckDigits;
import org.cardcase.shared.Masking;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Cards and their lifecycle. Each move is checked against {@link CardState#next()}, recorded as a
 * transition (who, when, channel, why) and in the card's and the case's audit trail, once per
 * event key: a redelivered step moves nothing twice.
 */
@Service
public class CardLifecycle {
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final AuditTrail audit;
  private final CaseRepository cases;
  private final Clock clock;
  private final PersonalFields personal;

  public static final String TABLE = "card";
  /** A holder's cards by ID number: the blind index, or the plain column of a row not yet encrypted (before V56). */
  private static final String HOLDER = "(holder_bidx = ? or holder_id_number = ?) ";

  @Autowired
  public CardLifecycle(JdbcClient jdbc, TransactionTemplate tx, AuditTrail audit, CaseRepository cases, Clock clock,
      PersonalFields personal) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.audit = audit;
    this.cases = cases;
    this.clock = clock;
    this.personal = personal;
  }

  /** For tests without a context: the case repository's keys. */
  public CardLifecycle(JdbcClient jdbc, TransactionTemplate tx, AuditTrail audit, CaseRepository cases, Clock clock) {
    this(jdbc, tx, audit, cases, clock, cases.personalFields());
  }

  /** The unique index that holds "one replacement per lost card" (migration V44). */
  public static final String REPLACED_ONCE = "card_replaced_once";

  public static String subject(String cardId) {
    return "card:" + cardId;
  }

  /** The card a case is about, created APPLIED the first time (idempotent per case). */
  public Card openFor(String caseNumber, String holderIdNumber, String holderName, String issuingBank, String replacesCardId,
      String actor, String channel) {
    return tx.execute(s -> open(caseNumber, holderIdNumber, holderName, issuingBank, replacesCardId, actor, channel));
  }

  private Card open(String caseNumber, String holderIdNumber, String holderName, String issuingBank, String replacesCardId,
      String actor, String channel) {
    Optional<Card> existing = byCase(caseNumber);
    if (existing.isPresent()) {
      return existing.get();
    }
    long seq = jdbc.sql("select nextval('card_id_seq')").query(Long.class).single();
    String id = String.format("CD%08d", seq);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    jdbc.sql("""
        insert into card (card_id, case_number, personal, holder_bidx, issuing_bank, state, replaces_card_id, created_at, updated_at)
        values (?, ?, ?, ?, ?, 'APPLIED', ?, ?, ?)""")
        .params(id, caseNumber, personal.seal(TABLE, id, fields(holderIdNumber, holderName, null)), personal.idIndex(holderIdNumber),
            issuingBank, replacesCardId, Timestamp.from(now), Timestamp.from(now))
        .update();
    record(id, null, CardState.APPLIED, actor, channel, "application received", "opened", now);
    audit.append(AuditTrail.ofCase(caseNumber), "card-opened:" + id, actor, channel, "CARD_OPENED", Map.of("card", id));
    return byCase(caseNumber).orElseThrow();
  }

  /**
   * Moves the card to {@code to}. Returns false if this event was already applied (a retried
   * step); throws {@link IllegalCardTransition} if the lifecycle does not allow the move.
   */
  public boolean move(String cardId, CardState to, String actor, String channel, String reason, String eventKey) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a card transition needs a reason");
    }
    return Boolean.TRUE.equals(tx.execute(s -> moveInTransaction(cardId, to, actor, channel, reason, eventKey)));
  }

  private boolean moveInTransaction(String cardId, CardState to, String actor, String channel, String reason, String eventKey) {
    // row lock: two moves of one card never interleave
    Card card = jdbc.sql("select * from card where card_id = ? for update").param(cardId).query(this::map)
        .optional().orElseThrow(() -> new CardNotFound(cardId));
    boolean done = jdbc.sql("select count(*) from card_transition where card_id = ? and event_key = ?")
        .params(cardId, eventKey).query(Long.class).single() > 0;
    if (done) {
      return false;
    }
    if (!card.state().canMoveTo(to)) {
      throw new IllegalCardTransition(cardId, card.state(), to);
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    jdbc.sql("update card set state = ?, updated_at = ? where card_id = ?").params(to.name(), Timestamp.from(now), cardId).update();
    record(cardId, card.state(), to, actor, channel, reason, eventKey, now);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("card", cardId);
    detail.put("from", card.state().name());
    detail.put("to", to.name());
    detail.put("reason", reason);
    audit.append(AuditTrail.ofCase(card.caseNumber()), "card:" + cardId + ":" + eventKey, actor, channel, "CARD_STATE_CHANGED", detail);
    cases.changed(card.caseNumber());
    return true;
  }

  /** Records the numbers printed on / issued for the card; set once, never overwritten by a duplicate callback. */
  public void recordNumbers(String cardId, String cardNumber, String medicalInsuranceNumber) {
    tx.executeWithoutResult(s -> keepNumbers(cardId, cardNumber, medicalInsuranceNumber));
  }

  private void keepNumbers(String cardId, String cardNumber, String medicalInsuranceNumber) {
    jdbc.sql("update card set card_number = coalesce(card_number, ?), updated_at = now() where card_id = ?")
        .params(cardNumber, cardId).update();
    if (medicalInsuranceNumber != null) {
      Card card = jdbc.sql("select * from card where card_id = ? for update").param(cardId).query(this::map)
          .optional().orElseThrow(() -> new CardNotFound(cardId));
      if (card.medicalInsuranceNumber() == null) {
        setMedicalInsuranceNumber(card, medicalInsuranceNumber);
      }
    }
  }

  /** Where a made card waits for its holder, as its history says it. */
  public enum Ready {
    /** A new card: collected and activated at a branch of the issuing bank. */
    AT_BANK_BRANCH("the bank reported the card made", "ready for collection at the bank branch"),
    /** A reissued card: handed over at the counter against the pickup certificate. */
    AT_COUNTER("the bank reported the replacement made", "ready for pickup at the counter");

    private final String made;
    private final String waiting;

    Ready(String made, String waiting) {
      this.made = made;
      this.waiting = waiting;
    }
  }

  /**
   * The bank reported the case's card made: the card is produced, keeps the printed number, waits
   * for its holder, and the case says the card is ready, in one transaction. A redelivered report
   * moves nothing twice and never overwrites the number.
   */
  public Card markProduced(String caseNumber, String cardNumber, Ready where) {
    return tx.execute(s -> {
      Card card = ofCase(caseNumber);
      move(card.cardId(), CardState.PRODUCED, "system", "card-production", where.made, "produced");
      keepNumbers(card.cardId(), cardNumber, null);
      move(card.cardId(), CardState.AWAITING_ACTIVATION, "system", null, where.waiting, "ready-notified");
      cases.changeStatus(caseNumber, CaseStatus.CARD_READY, "produced");
      return find(card.cardId()).orElseThrow();
    });
  }

  /** The number sealed with the holder's fields (a new data key), and its masked form for lists. */
  private void setMedicalInsuranceNumber(Card card, String number) {
    jdbc.sql("""
        update card set personal = ?, holder_bidx = ?, medical_insurance_number_masked = ?, holder_id_number = null,
          holder_name = null, medical_insurance_number = null, updated_at = now() where card_id = ?""")
        .params(personal.seal(TABLE, card.cardId(), fields(card.holderIdNumber(), card.holderName(), number)),
            personal.idIndex(card.holderIdNumber()), Masking.cardNumber(number), card.cardId()).update();
  }

  static Map<String, Object> fields(String holderIdNumber, String holderName, String medicalInsuranceNumber) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("holderIdNumber", holderIdNumber);
    f.put("holderName", holderName);
    f.put("medicalInsuranceNumber", medicalInsuranceNumber);
    return f;
  }

  /**
   * Issues the card's medical insurance (barcode) number once: the holder's province code, an
   * 8-digit serial and a Luhn check digit, so a mistyped number is caught at the hospital desk.
   */
  public String issueMedicalInsuranceNumber(String cardId) {
    return tx.execute(s -> issueNumber(cardId));
  }

  private String issueNumber(String cardId) {
    Card card = jdbc.sql("select * from card where card_id = ? for update").param(cardId).query(this::map)
        .optional().orElseThrow(() -> new CardNotFound(cardId));
    if (card.medicalInsuranceNumber() != null) {
      return card.medicalInsuranceNumber();
    }
    // guide 004: the medical insurance number is the person's one identifier; a replacement (or any
    // later card of the same person) keeps the number the person already has
    Optional<String> held = withMedicalInsuranceNumber(card.holderIdNumber()).map(Card::medicalInsuranceNumber);
    if (held.isPresent()) {
      setMedicalInsuranceNumber(card, held.get());
      return held.get();
    }
    long serial = jdbc.sql("select nextval('medical_insurance_number_seq')").query(Long.class).single();
    String body = card.holderIdNumber().substring(0, 2) + String.format("%08d", serial);
    String number = body + CheckDigits.luhn(body);
    setMedicalInsuranceNumber(card, number);
    return number;
  }


  /** The person's medical insurance number (all their cards carry the same one), if a card of theirs has one. */
  public Optional<Card> withMedicalInsuranceNumber(String holderIdNumber) {
    return jdbc.sql("""
        select * from card where (holder_bidx = ? or holder_id_number = ?)
          and (medical_insurance_number_masked is not null or medical_insurance_number is not null) order by created_at desc limit 1""")
        .params(personal.idIndex(holderIdNumber), holderIdNumber).query(this::map).optional();
  }

  public Optional<Card> find(String cardId) {
    return jdbc.sql("select * from card where card_id = ?").param(cardId).query(this::map).optional();
  }

  /** The card of a case that has one (an application, a reissue); a step that needs it fails loudly otherwise. */
  public Card ofCase(String caseNumber) {
    return byCase(caseNumber).orElseThrow(() -> new IllegalStateException("case " + caseNumber + " has no card"));
  }

  /** The card numbers issued for these cases, by case number (cases without a number are absent). */
  public Map<String, List<String>> cardNumbersOf(List<String> caseNumbers) {
    Map<String, List<String>> out = new HashMap<>();
    jdbc.sql("select case_number, card_number from card where case_number = any(?) and card_number is not null")
        .param(caseNumbers.toArray(String[]::new))
        .query(rs -> {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        });
    return out;
  }

  public Optional<Card> byCase(String caseNumber) {
    return jdbc.sql("select * from card where case_number = ?").param(caseNumber).query(this::map).optional();
  }

  /** The card with this printed number (a terminal or counter reads it from the chip or the keypad). */
  public Optional<Card> byCardNumber(String cardNumber) {
    return jdbc.sql("select * from card where card_number = ? order by created_at desc limit 1").param(cardNumber)
        .query(this::map).optional();
  }

  /** The holder's cards, newest first. */
  public List<Card> ofHolder(String idNumber) {
    return jdbc.sql("select * from card where " + HOLDER + "order by created_at desc, card_id desc")
        .params(personal.idIndex(idNumber), idNumber)
        .query(this::map).list();
  }

  /** Whether the person holds a card that is in one of these states. */
  public boolean holdsCardIn(String idNumber, Set<CardState> states) {
    return jdbc.sql("select exists (select 1 from card where " + HOLDER + "and state = any(?))")
        .params(personal.idIndex(idNumber), idNumber, states.stream().map(Enum::name).toArray(String[]::new)).query(Boolean.class).single();
  }

  public List<CardTransition> history(String cardId) {
    return jdbc.sql("select * from card_transition where card_id = ? order by id").param(cardId)
        .query((rs, i) -> new CardTransition(rs.getString("card_id"),
            rs.getString("from_state") == null ? null : CardState.valueOf(rs.getString("from_state")),
            CardState.valueOf(rs.getString("to_state")), rs.getString("actor"), rs.getString("channel"),
            rs.getString("reason"), rs.getTimestamp("at").toInstant()))
        .list();
  }

  private void record(String cardId, CardState from, CardState to, String actor, String channel, String reason,
      String eventKey, Instant at) {
    jdbc.sql("""
        insert into card_transition (card_id, from_state, to_state, actor, channel, reason, at, event_key)
        values (?, ?, ?, ?, ?, ?, ?, ?)""")
        .params(cardId, from == null ? null : from.name(), to.name(), actor, channel, reason, Timestamp.from(at), eventKey)
        .update();
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("from", from == null ? "" : from.name());
    detail.put("to", to.name());
    detail.put("reason", reason);
    audit.append(subject(cardId), eventKey, actor, channel, "CARD_STATE_CHANGED", detail);
  }

  /** A card row, the holder's fields decrypted (or the plain columns of a row not yet encrypted). */
  Card map(ResultSet rs, int i) throws SQLException {
    byte[] sealed = rs.getBytes("personal");
    Map<String, Object> p = sealed != null ? personal.open(TABLE, rs.getString("card_id"), sealed)
        : fields(rs.getString("holder_id_number"), rs.getString("holder_name"), rs.getString("medical_insurance_number"));
    return new Card(rs.getString("card_id"), rs.getString("case_number"), PersonalFields.text(p, "holderIdNumber"),
        PersonalFields.text(p, "holderName"), rs.getString("issuing_bank"), rs.getString("card_number"),
        PersonalFields.text(p, "medicalInsuranceNumber"), CardState.valueOf(rs.getString("state")),
        rs.getString("replaces_card_id"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
  }
}
