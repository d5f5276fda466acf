package org.cardcase.reissue;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.shared.CheckDigits;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Card pickup certificates. The number is printed on the certificate and read out by hospitals
 * to check it as a temporary medical voucher: "LK", the issue date, a serial and a check digit.
 */
@Repository
public class Vouchers {
  /**
   * VALID until the new card is handed over (USED; guide 004: a voucher "during the replacement period", also while the
   * card waits at the counter uncollected), or REVOKED when the reissue is cancelled (with the reason). EXPIRED is what
   * certificates of cases escalated as uncollected were once set to (a voucher now lasts until the card is collected); nothing sets it any more.
   */
  public enum State { VALID, USED, REVOKED, EXPIRED }

  public record Voucher(String number, String caseNumber, String holderIdNumber, String holderName, String oldCardId,
      String newCardId, State state, LocalDate pickupDate, String issuedBy, Instant issuedAt, Instant endedAt,
      boolean pickupProvisional, String endReason) {}

  private final JdbcClient jdbc;

  private final PersonalFields personal;
  public static final String TABLE = "voucher";

  public Vouchers(JdbcClient jdbc, PersonalFields personal) {
    this.jdbc = jdbc;
    this.personal = personal;
  }

  public String issue(String caseNumber, String holderIdNumber, String holderName, String oldCardId, String newCardId,
      LocalDate issued, LocalDate pickupDate, String issuedBy) {
    return issue(caseNumber, holderIdNumber, holderName, oldCardId, newCardId, issued, pickupDate, false, issuedBy, Instant.now());
  }

  /** {@code pickupProvisional}: the date was counted into a year whose holiday arrangement is not yet published. */
  public String issue(String caseNumber, String holderIdNumber, String holderName, String oldCardId, String newCardId,
      LocalDate issued, LocalDate pickupDate, boolean pickupProvisional, String issuedBy, Instant issuedAt) {
    long serial = jdbc.sql("select nextval('voucher_seq')").query(Long.class).single();
    String body = issued.toString().replace("-", "") + String.format("%06d", serial);
    String number = "LK" + body + CheckDigits.luhn(body);
    jdbc.sql("""
        insert into voucher (number, case_number, personal, holder_bidx, old_card_id, new_card_id, state, pickup_date,
          pickup_provisional, issued_by, issued_at)
        values (?, ?, ?, ?, ?, ?, 'VALID', ?, ?, ?, ?)""")
        .params(number, caseNumber, personal.seal(TABLE, number, fields(holderIdNumber, holderName)),
            personal.idIndex(holderIdNumber), oldCardId, newCardId, Date.valueOf(pickupDate), pickupProvisional,
            issuedBy, Timestamp.from(issuedAt)).update();
    return number;
  }

  public Optional<Voucher> find(String number) {
    return jdbc.sql("select * from voucher where number = ?").param(number).query(this::map).optional();
  }

  /** The holder's newest certificate (a terminal prints it again). */
  public Optional<Voucher> latestOf(String holderIdNumber) {
    return jdbc.sql("select * from voucher where (holder_bidx = ? or holder_id_number = ?) order by issued_at desc limit 1")
        .params(personal.idIndex(holderIdNumber), holderIdNumber)
        .query(this::map).optional();
  }

  public Optional<Voucher> ofCase(String caseNumber) {
    return jdbc.sql("select * from voucher where case_number = ?").param(caseNumber).query(this::map).optional();
  }

  /** Ends a valid voucher (the new card was handed over); false if it was not valid any more. */
  public boolean use(String number) {
    return end(number, State.USED);
  }

  /** The reissue was cancelled: the certificate is no voucher any more, and says why; false if it was not valid any more. */
  public boolean revoke(String number, String reason) {
    return jdbc.sql("update voucher set state = 'REVOKED', ended_at = now(), end_reason = ? where number = ? and state = 'VALID'")
        .params(reason, number).update() == 1;
  }

  private boolean end(String number, State state) {
    return jdbc.sql("update voucher set state = ?, ended_at = now() where number = ? and state = 'VALID'")
        .params(state.name(), number).update() == 1;
  }

  public void moveCollectionDate(String number, LocalDate date) {
    jdbc.sql("update voucher set pickup_date = ? where number = ?").params(Date.valueOf(date), number).update();
  }

  /** The pickup date as the case's deadline now says (a calendar change); true if the date or its provisional mark changed. */
  public boolean moveCollectionDate(String number, LocalDate date, boolean provisional) {
    return jdbc.sql("""
        update voucher set pickup_date = ?, pickup_provisional = ? where number = ?
          and (pickup_date <> ? or pickup_provisional <> ?)""")
        .params(Date.valueOf(date), provisional, number, Date.valueOf(date), provisional).update() == 1;
  }

  public static boolean wellFormed(String number) {
    if (number == null || !number.matches("LK\\d{15}")) {
      return false;
    }
    String body = number.substring(2, 16);
    return CheckDigits.luhn(body) == number.charAt(16) - '0';
  }

  static Map<String, Object> fields(String holderIdNumber, String holderName) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("holderIdNumber", holderIdNumber);
    f.put("holderName", holderName);
    return f;
  }

  /** A voucher row, the holder's fields decrypted (or the plain columns of a row not yet encrypted). */
  Voucher map(ResultSet rs, int i) throws SQLException {
    Timestamp ended = rs.getTimestamp("ended_at");
    byte[] sealed = rs.getBytes("personal");
    var p = sealed != null ? personal.open(TABLE, rs.getString("number"), sealed)
        : fields(rs.getString("holder_id_number"), rs.getString("holder_name"));
    return new Voucher(rs.getString("number"), rs.getString("case_number"), PersonalFields.text(p, "holderIdNumber"),
        PersonalFields.text(p, "holderName"), rs.getString("old_card_id"), rs.getString("new_card_id"), State.valueOf(rs.getString("state")),
        rs.getDate("pickup_date").toLocalDate(), rs.getString("issued_by"), rs.getTimestamp("issued_at").toInstant(),
        ended == null ? null : ended.toInstant(), rs.getBoolean("pickup_provisional"), rs.getString("end_reason"));
  }
}
