package org.cardcase.access;

import java.sql.Array;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.cardcase.shared.Channels;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Channel and partner systems as OAuth 2 clients: the services each may call (its scopes), the
 * bank a partner stands for, and the key this system signs their access tokens with.
 */
@Component
public class ChannelClients {
  /** One scope per service of the channel API. */
  public static final String APPLICATIONS = "applications";
  public static final String LOOKUPS = "lookups";
  public static final String LOSS_REPORTS = "loss-reports";
  public static final String REISSUES = "reissues";
  public static final String FAMILY = "family";
  public static final String CHILD_CARDS = "child-cards";
  public static final String VOUCHERS = "vouchers";
  public static final String CALLBACKS = "callbacks";
  /** The citizen's own copy of their data (PIPL art. 45), for channels that can hand it to the citizen they authenticated. */
  public static final String OWN_DATA = "own-data";

  /** The services each channel takes, as the guides give them to that channel. */
  public static final Map<String, List<String>> DEFAULT_SCOPES = Map.of(
      Channels.WEB_PORTAL, List.of(APPLICATIONS, LOOKUPS, FAMILY, CHILD_CARDS, OWN_DATA),
      Channels.ALIPAY, List.of(APPLICATIONS, LOOKUPS, FAMILY, CHILD_CARDS, OWN_DATA),
      Channels.WECHAT, List.of(APPLICATIONS, LOOKUPS, CHILD_CARDS, OWN_DATA),
      Channels.MEDICAL_INSURANCE_APP, List.of(LOOKUPS, CHILD_CARDS, OWN_DATA),
      Channels.SERVICE_LINE, List.of(LOOKUPS),
      Channels.LOSS_LINE, List.of(LOSS_REPORTS),
      Channels.COUNTER, List.of(APPLICATIONS, LOOKUPS, LOSS_REPORTS, REISSUES, FAMILY, OWN_DATA),
      Channels.TERMINAL, List.of(LOOKUPS, LOSS_REPORTS, REISSUES, OWN_DATA),
      Channels.HOSPITAL, List.of(FAMILY, VOUCHERS));

  /** The provincial card centre's client: it may report on every card of the province. */
  public static final String CARD_CENTRE = "card-centre";

  /** A bank's partner client, e.g. {@code bank-icbc} for ICBC. */
  public static String bankPartner(String bank) {
    return "bank-" + bank.toLowerCase(Locale.ROOT);
  }

  /** A channel or partner system as the token service sees it. */
  public record Client(String name, String secretHash, String kind, List<String> scopes, String bank) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;

  public ChannelClients(JdbcClient jdbc, TransactionTemplate tx) {
    this.tx = tx;
    this.jdbc = jdbc;
  }

  /** An enabled channel or partner system. */
  public Optional<Client> find(String name) {
    return jdbc.sql("select channel, secret_hash, kind, scopes, bank from channel_client where channel = ? and enabled")
        .param(name).query((rs, i) -> new Client(rs.getString(1), rs.getString(2), rs.getString(3), strings(rs.getArray(4)),
            rs.getString(5))).optional();
  }

  /**
   * True if the partner may report on this case's card: a bank on the cards it was ordered to
   * make, the provincial card centre on any.
   */
  public boolean mayReport(String partner, String issuingBank) {
    return find(partner).filter(c -> "PARTNER".equals(c.kind()))
        .map(c -> c.bank() == null || c.bank().equalsIgnoreCase(issuingBank)).orElse(false);
  }

  /** The current token signing key (a JWK with its private part), made by {@code make} on first use. */
  public String signingKey(Supplier<SigningKey> make) {
    return tx.execute(status -> {
      Optional<String> current = jdbc.sql("select jwk from token_signing_key where retired_at is null order by created_at desc limit 1")
          .query(String.class).optional();
      if (current.isPresent()) {
        return current.get();
      }
      jdbc.sql("lock table token_signing_key in exclusive mode").update(); // two instances starting make one key
      current = jdbc.sql("select jwk from token_signing_key where retired_at is null order by created_at desc limit 1")
          .query(String.class).optional();
      if (current.isPresent()) {
        return current.get();
      }
      SigningKey k = make.get();
      jdbc.sql("insert into token_signing_key (kid, jwk) values (?, ?)").params(k.kid(), k.jwk()).update();
      return k.jwk();
    });
  }

  /** A new signing key: its id and its JWK (private part included). */
  public record SigningKey(String kid, String jwk) {}

  private static List<String> strings(Array a) throws SQLException {
    return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
  }
}
