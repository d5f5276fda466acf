package org.cardcase.flow;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The versions of each process model, kept in PostgreSQL: a model whose content differs from its
 * last kept version becomes the next version when the application starts with it. What ran when
 * stays known (and downloadable) after the files have changed.
 */
@Component
public class ModelVersions {
  private static final Logger log = LoggerFactory.getLogger(ModelVersions.class);
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final ProcessCatalog catalog;

  public ModelVersions(JdbcClient jdbc, TransactionTemplate tx, ProcessCatalog catalog) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.catalog = catalog;
  }

  /** A kept version: which process, its number here, its file and content hash, where it came from and when. */
  public record Version(String processId, int version, String fileName, String sha256, String source, Instant recordedAt) {}

  @EventListener(ApplicationReadyEvent.class)
  public void recordShipped() {
    record(catalog, "SHIPPED");
  }

  /** Keeps each process of the catalog as a new version if it differs from its last; returns how many were new. */
  public int record(ProcessCatalog models, String source) {
    int added = 0;
    for (String processId : models.processes().keySet()) {
      byte[] bpmn = models.modelOf(processId);
      String sha = sha256(bpmn);
      Integer version = tx.execute(s -> {
        // one writer per process, so two instances starting together number the same model once
        jdbc.sql("select pg_advisory_xact_lock(hashtext(?))").param("process_model:" + processId).query().singleRow();
        Optional<String> last = jdbc.sql("select sha256 from process_model where process_id = ? order by version desc limit 1")
            .param(processId).query(String.class).optional();
        if (last.isPresent() && last.get().equals(sha)) {
          return null;
        }
        int next = jdbc.sql("select coalesce(max(version), 0) + 1 from process_model where process_id = ?").param(processId)
            .query(Integer.class).single();
        jdbc.sql("insert into process_model (process_id, version, file_name, sha256, bpmn, source) values (?, ?, ?, ?, ?, ?)")
            .params(processId, next, models.fileOf(processId), sha, bpmn, source).update();
        return next;
      });
      if (version != null) {
        added++;
        log.info("process model {} kept as version {} ({})", processId, version, source);
      }
    }
    return added;
  }

  /** Every kept version, newest first within each process. */
  public List<Version> all() {
    return jdbc.sql("""
        select process_id, version, file_name, sha256, source, recorded_at from process_model order by process_id, version desc""")
        .query((rs, i) -> new Version(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
            rs.getTimestamp(6).toInstant())).list();
  }

  /** The content of one kept version. */
  public Optional<byte[]> file(String processId, int version) {
    return jdbc.sql("select bpmn from process_model where process_id = ? and version = ?").params(processId, version)
        .query(byte[].class).optional();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
