package org.cardcase.flow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.cardcase.forms.FormDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The versions of each task form, kept in PostgreSQL. A user task names its form by key: {@code
 * cardcase:compare-photos@2} is version 2; {@code cardcase:compare-photos} is the form as the
 * application ships it (its last shipped version). So a task shows, and the server checks what is
 * submitted against, the form version its process version names, whatever is current since.
 */
@Component
public class FormVersions {
  private static final Logger log = LoggerFactory.getLogger(FormVersions.class);
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Map<String, FormDefinition> definitions = new ConcurrentHashMap<>();

  public FormVersions(JdbcClient jdbc, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.tx = tx;
  }

  public record Version(String formKey, int version, String sha256, String source, Instant recordedAt, String author,
      String approvedBy, String comment) {}

  /** A form key split into the form and the version it names (null: the shipped one). */
  public record Key(String formKey, Integer version) {
    public static Key parse(String key) {
      int at = key.lastIndexOf('@');
      if (at < 0) {
        return new Key(key, null);
      }
      try {
        return new Key(key.substring(0, at), Integer.parseInt(key.substring(at + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad form version in " + key);
      }
    }

    public String named() {
      return version == null ? formKey : formKey + "@" + version;
    }
  }

  /** Keeps each shipped form that differs from its last shipped version; returns the form keys kept anew. */
  public List<String> recordShipped() {
    return shippedKeys().stream().filter(key -> {
      byte[] json = FormDefinition.file(key).orElseThrow();
      String sha = ModelVersions.sha256(json);
      Integer v = tx.execute(s -> {
        jdbc.sql("select pg_advisory_xact_lock(hashtext(?))").param("form_model:" + key).query().singleRow();
        Optional<String> last = jdbc.sql("""
            select sha256 from form_model where form_key = ? and source = 'SHIPPED' order by version desc limit 1""")
            .param(key).query(String.class).optional();
        return last.isPresent() && last.get().equals(sha) ? null : insert(key, json, sha, "SHIPPED", null, null, null);
      });
      if (v != null) {
        log.info("form {} kept as version {} (SHIPPED)", key, v);
      }
      return v != null;
    }).toList();
  }

  /** The keys of the forms shipped under {@code classpath*:forms/}. */
  public static List<String> shippedKeys() {
    try {
      return Arrays.stream(new PathMatchingResourcePatternResolver()
          .getResources("classpath*:forms/*.form")).map(r -> "cardcase:" + r.getFilename().replace(".form", "")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Keeps a form people made and approved as its next version; runs in the caller's transaction. */
  public int keepApproved(String formKey, byte[] json, String author, String approvedBy, String comment) {
    FormDefinition.of(json); // refused here if it is not a form this system can show and check
    jdbc.sql("select pg_advisory_xact_lock(hashtext(?))").param("form_model:" + formKey).query().singleRow();
    return insert(formKey, json, ModelVersions.sha256(json), "APPROVED", author, approvedBy, comment);
  }

  private int insert(String formKey, byte[] json, String sha, String source, String author, String approvedBy, String comment) {
    int next = jdbc.sql("select coalesce(max(version), 0) + 1 from form_model where form_key = ?").param(formKey)
        .query(Integer.class).single();
    jdbc.sql("""
        insert into form_model (form_key, version, json, sha256, source, author, approved_by, comment)
        values (?, ?, ?, ?, ?, ?, ?, ?)""").params(formKey, next, json, sha, source, author, approvedBy, comment).update();
    return next;
  }

  /** The version a key names: its own, or the last shipped one. */
  public Optional<Integer> versionOf(String key) {
    Key k = Key.parse(key);
    if (k.version() != null) {
      return jdbc.sql("select version from form_model where form_key = ? and version = ?").params(k.formKey(), k.version())
          .query(Integer.class).optional();
    }
    return jdbc.sql("select max(version) from form_model where form_key = ? and source = 'SHIPPED'").param(k.formKey())
        .query(Integer.class).optional().filter(Objects::nonNull);
  }

  /** The last version of a form (what a new form draft starts from). */
  public Optional<Integer> latest(String formKey) {
    return jdbc.sql("select max(version) from form_model where form_key = ?").param(formKey).query(Integer.class).optional()
        .filter(Objects::nonNull);
  }

  /** Whether a user task may name this key. */
  public boolean exists(String key) {
    try {
      Key k = Key.parse(key);
      return versionOf(key).isPresent() || k.version() == null && FormDefinition.file(k.formKey()).isPresent();
    } catch (IllegalArgumentException bad) {
      return false;
    }
  }

  /** The form a task's key names, to show and to check a submission against. */
  public FormDefinition definition(String key) {
    Key k = Key.parse(key);
    Optional<Integer> v = versionOf(key);
    if (v.isEmpty()) {
      if (k.version() != null) {
        throw new IllegalArgumentException("no version " + k.version() + " of form " + k.formKey());
      }
      return FormDefinition.forFormKey(k.formKey()); // not yet recorded (before the first start)
    }
    return definitions.computeIfAbsent(k.formKey() + "@" + v.get(), x -> FormDefinition.of(file(k.formKey(), v.get()).orElseThrow()));
  }

  public Optional<byte[]> file(String formKey, int version) {
    return jdbc.sql("select json from form_model where form_key = ? and version = ?").params(formKey, version)
        .query(byte[].class).optional();
  }

  /** Every kept version, newest first within each form. */
  public List<Version> all() {
    return jdbc.sql("""
        select form_key, version, sha256, source, recorded_at, author, approved_by, comment
        from form_model order by form_key, version desc""")
        .query((rs, i) -> new Version(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
            rs.getTimestamp(5).toInstant(), rs.getString(6), rs.getString(7), rs.getString(8))).list();
  }
}
