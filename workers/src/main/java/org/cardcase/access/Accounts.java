package org.cardcase.access;

import jakarta.annotation.PostConstruct;
import java.sql.Array;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.cardcase.shared.Channels;
import org.cardcase.shared.ReferenceData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/** Channel systems and staff, with BCrypt-hashed secrets, from PostgreSQL. */
@Component
public class Accounts {
  private static final Logger log = LoggerFactory.getLogger(Accounts.class);
  public static final PasswordEncoder ENCODER = new BCryptPasswordEncoder();
  private final JdbcClient jdbc;
  private final boolean seedDemo;

  private final ReferenceData reference;

  public Accounts(JdbcClient jdbc, ReferenceData reference, @Value("${cardcase.demo-accounts:true}") boolean seedDemo) {
    this.jdbc = jdbc;
    this.reference = reference;
    this.seedDemo = seedDemo;
  }

  public Optional<Account> find(String name) {
    Optional<Account> channel = jdbc.sql("select channel, secret_hash, kind, scopes from channel_client where channel = ? and enabled")
        .param(name).query((rs, i) -> new Account(rs.getString(1), rs.getString(2),
            List.of(rs.getString(3)), List.of(), rs.getString(3), strings(rs.getArray(4)))).optional();
    if (channel.isPresent()) {
      return channel;
    }
    return jdbc.sql("select username, password_hash, roles, work_groups from staff_user where username = ? and enabled")
        .param(name).query((rs, i) -> new Account(rs.getString(1), rs.getString(2), strings(rs.getArray(3)),
            strings(rs.getArray(4)), "STAFF", List.of())).optional();
  }

  /** The enabled members of staff in a work group, by name. */
  public List<String> membersOf(String group) {
    return jdbc.sql("select username from staff_user where enabled and ? = any(work_groups) order by username").param(group)
        .query(String.class).list();
  }

  /** The language a member of staff chose (a BCP 47 tag such as zh-CN or en). */
  public Optional<String> locale(String username) {
    return jdbc.sql("select locale from staff_user where username = ?").param(username).query(String.class).optional();
  }

  public void setLocale(String username, String tag) {
    if (!tag.matches("[a-z]{2}(-[A-Z]{2})?")) {
      throw new IllegalArgumentException("not a language tag: " + tag);
    }
    jdbc.sql("update staff_user set locale = ? where username = ?").params(tag, username).update();
  }

  /** Demo accounts for a first run (README lists them); disable with cardcase.demo-accounts=false. */
  @PostConstruct
  public void seedDemoAccounts() {
    if (!seedDemo) {
      return;
    }
    for (String ch : Channels.ALL) {
      addChannel(ch, ch, ch + "-demo", "CHANNEL", ChannelClients.DEFAULT_SCOPES.getOrDefault(ch, List.of()), null);
    }
    // each partner a client of its own: the provincial card centre, and every issuing bank
    addChannel(ChannelClients.CARD_CENTRE, "省社保卡制卡中心 Provincial card centre", ChannelClients.CARD_CENTRE + "-demo", "PARTNER",
        List.of(ChannelClients.CALLBACKS), null);
    for (ReferenceData.Item bank : reference.items(ReferenceData.Kind.BANK)) {
      String partner = ChannelClients.bankPartner(bank.code());
      addChannel(partner, bank.nameZh() + " " + bank.nameEn(), partner + "-demo", "PARTNER", List.of(ChannelClients.CALLBACKS),
          bank.code());
    }
    addStaff("clerk", "窗口办事员 Clerk", "clerk-demo", List.of("CLERK"), List.of("verification", "counter"));
    addStaff("clerk2", "制卡中心办事员 Card centre clerk", "clerk2-demo", List.of("CLERK"), List.of("card-centre"));
    addStaff("supervisor", "科长 Supervisor", "supervisor-demo", List.of("SUPERVISOR"),
        List.of("supervisors", "verification", "counter", "card-centre"));
    addStaff("analyst", "业务分析员 Analyst", "analyst-demo", List.of("ANALYST"), List.of());
    addStaff("admin", "系统管理员 Administrator", "admin-demo", List.of("ADMIN"), List.of());
  }

  private void addChannel(String channel, String display, String secret, String kind, List<String> scopes, String bank) {
    int n = jdbc.sql("""
        insert into channel_client (channel, display_name, secret_hash, kind, scopes, bank) values (?, ?, ?, ?, ?, ?)
        on conflict (channel) do nothing""")
        .params(channel, display, ENCODER.encode(secret), kind, scopes.toArray(String[]::new), bank).update();
    if (n > 0) {
      log.info("created demo credentials for {} {}", kind.toLowerCase(Locale.ROOT), channel);
    }
  }

  private void addStaff(String user, String display, String password, List<String> roles, List<String> groups) {
    jdbc.sql("""
        insert into staff_user (username, display_name, password_hash, roles, work_groups) values (?, ?, ?, ?, ?)
        on conflict (username) do nothing""")
        .params(user, display, ENCODER.encode(password), roles.toArray(String[]::new), groups.toArray(String[]::new)).update();
  }

  private static List<String> strings(Array a) throws SQLException {
    return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
  }
}
