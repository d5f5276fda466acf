package org.cardcase.flow;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.response.DeploymentEvent;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The versions of each process model, kept in PostgreSQL (the system of record for models too) and
 * deployed from there. A shipped model that differs from the last shipped version becomes the next
 * version when the application starts with it; an analyst's approved draft becomes the next version
 * when it is approved. An in-process engine starts empty, so it is given every kept version in the
 * order they were kept, and each case is started and resumed on its own version by the engine's key
 * for it: a case begun on version 1 finishes on version 1 when version 3 is current.
 */
@Component
public class ModelVersions {
  private static final Logger log = LoggerFactory.getLogger(ModelVersions.class);
  public static final String SHIPPED = "SHIPPED";
  public static final String APPROVED = "APPROVED";
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final ProcessCatalog catalog;
  private final CamundaClient client;
  /** processId/version -> the running engine's process definition key for it. */
  private volatile Map<String, Long> keys = Map.of();
  /** processId -> the version new cases start on (the last kept). */
  private volatile Map<String, Integer> current = Map.of();

  public ModelVersions(JdbcClient jdbc, TransactionTemplate tx, ProcessCatalog catalog, CamundaClient client) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.catalog = catalog;
    this.client = client;
  }

  /** A kept version: which process, its number here, its file and content hash, where it came from, when and by whom. */
  public record Version(String processId, int version, String fileName, String sha256, String source, Instant recordedAt,
      String author, String approvedBy, String comment) {}

  /**
   * Keeps each shipped model that differs from the last shipped version of its process. Compared
   * with the last <em>shipped</em> version, so an analyst's version stays current across restarts
   * until a release ships a changed model.
   */
  public int recordShipped() {
    return record(ProcessCatalog.on(ProcessCatalog.shipped()), SHIPPED);
  }

  /** Keeps each process of the catalog as a new version if it differs from its last (of this source, for shipped ones). */
  public int record(ProcessCatalog models, String source) {
    int added = 0;
    for (String processId : models.processes().keySet()) {
      byte[] bpmn = models.modelOf(processId);
      String sha = sha256(bpmn);
      Integer version = tx.execute(s -> {
        lock(processId);
        Optional<String> last = jdbc.sql("""
            select sha256 from process_model where process_id = ? and (source = ? or ? <> 'SHIPPED')
            order by version desc limit 1""").params(processId, source, source).query(String.class).optional();
        if (last.isPresent() && last.get().equals(sha)) {
          return null;
        }
        return insert(processId, models.fileOf(processId), bpmn, sha, source, null, null, null);
      });
      if (version != null) {
        added++;
        log.info("process model {} kept as version {} ({})", processId, version, source);
      }
    }
    return added;
  }

  /** One writer per process, so two instances starting together number the same model once. */
  private void lock(String processId) {
    jdbc.sql("select pg_advisory_xact_lock(hashtext(?))").param("process_model:" + processId).query().singleRow();
  }

  private int insert(String processId, String fileName, byte[] bpmn, String sha, String source, String author,
      String approvedBy, String comment) {
    int next = jdbc.sql("select coalesce(max(version), 0) + 1 from process_model where process_id = ?").param(processId)
        .query(Integer.class).single();
    jdbc.sql("""
        insert into process_model (process_id, version, file_name, sha256, bpmn, source, author, approved_by, comment)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?)""").params(processId, next, fileName, sha, bpmn, source, author, approvedBy, comment)
        .update();
    return next;
  }

  /**
   * Deploys the kept versions to the engine and makes the last of each process the catalog's. A
   * fresh engine (in-process: it keeps no state) gets every version in the order they were kept,
   * so each case can be resumed on its own; an engine that keeps its state gets the last of each
   * (it already has the others, and deploying an old one again would make it its newest).
   */
  public synchronized void deployAll(boolean freshEngine) {
    record Kept(String processId, int version, String fileName, byte[] bpmn) {}
    List<Kept> kept = jdbc.sql("""
        select process_id, version, file_name, bpmn from process_model
        where ? or (process_id, version) in (select process_id, max(version) from process_model group by process_id)
        order by recorded_at, process_id, version""").param(freshEngine)
        .query((rs, i) -> new Kept(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getBytes(4))).list();
    Map<String, Long> k = new HashMap<>();
    Map<String, Integer> last = new HashMap<>();
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (Kept v : kept) {
      k.put(v.processId() + "/" + v.version(), deploy(v.processId(), v.fileName(), v.bpmn()));
      last.merge(v.processId(), v.version(), Math::max);
      if (last.get(v.processId()) == v.version()) {
        files.put(v.fileName(), v.bpmn());
      }
    }
    keys = Map.copyOf(k);
    current = Map.copyOf(last);
    catalog.use(files);
    log.info("deployed {} kept model version(s); current: {}", kept.size(), new TreeMap<>(last));
  }

  private long deploy(String processId, String fileName, byte[] bpmn) {
    DeploymentEvent d = client.newDeployResourceCommand().addResourceBytes(bpmn, fileName).send().join();
    return d.getProcesses().stream().filter(p -> p.getBpmnProcessId().equals(processId)).findFirst()
        .orElseThrow(() -> new IllegalStateException(fileName + " does not define process " + processId))
        .getProcessDefinitionKey();
  }

  /**
   * Deploys a model people made and approved and keeps it as the next version: new cases start on
   * it, running ones stay on theirs. The engine refuses before anything is kept; the keeping runs in
   * the caller's transaction (with the draft's state and the audit entry).
   */
  public synchronized int deployApproved(String processId, String fileName, byte[] bpmn, String author, String approvedBy,
      String comment) {
    long key = deploy(processId, fileName, bpmn);
    lock(processId);
    int version = insert(processId, fileName, bpmn, sha256(bpmn), APPROVED, author, approvedBy, comment);
    Map<String, Long> k = new HashMap<>(keys);
    k.put(processId + "/" + version, key);
    keys = Map.copyOf(k);
    Map<String, Integer> c = new HashMap<>(current);
    c.put(processId, version);
    current = Map.copyOf(c);
    catalog.use(Map.of(fileName, bpmn));
    log.info("process model {} version {} deployed (approved by {})", processId, version, approvedBy);
    return version;
  }

  /** The version new cases of this process start on; null if none is deployed. */
  public Integer current(String processId) {
    return current.get(processId);
  }

  /** What a kept version of a process says (its call activities, names, timers); the current catalog for the current one. */
  public ProcessCatalog catalogOf(String processId, Integer version) {
    if (version == null || version.equals(current(processId))) {
      return catalog;
    }
    return versionCatalogs.computeIfAbsent(processId + "/" + version, k -> file(processId, version)
        .map(bpmn -> ProcessCatalog.on(Map.of(catalog.fileOf(processId), bpmn))).orElse(catalog));
  }

  private final Map<String, ProcessCatalog> versionCatalogs = new ConcurrentHashMap<>();

  /** The running engine's key for a kept version; null if the engine does not have it. */
  public Long definitionKey(String processId, Integer version) {
    return version == null ? null : keys.get(processId + "/" + version);
  }

  /** Every kept version, newest first within each process. */
  public List<Version> all() {
    return jdbc.sql("""
        select process_id, version, file_name, sha256, source, recorded_at, author, approved_by, comment
        from process_model order by process_id, version desc""")
        .query((rs, i) -> new Version(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
            rs.getTimestamp(6).toInstant(), rs.getString(7), rs.getString(8), rs.getString(9))).list();
  }

  /** The content of one kept version. */
  public Optional<byte[]> file(String processId, int version) {
    return jdbc.sql("select bpmn from process_model where process_id = ? and version = ?").params(processId, version)
        .query(byte[].class).optional();
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
