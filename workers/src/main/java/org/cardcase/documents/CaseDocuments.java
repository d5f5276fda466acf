package org.cardcase.documents;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cardcase.audit.AuditTrail;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.ReferenceData;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The documents of each case, kept in PostgreSQL; a new upload of a kind is a new version. */
@Component
public class CaseDocuments {
  /**
   * A document's description. {@code removedAt} is set once its content was removed after the
   * retention period ({@link org.cardcase.retention.PersonalDataRetention}); the row, its size and
   * hash stay.
   */
  public record Document(long id, String caseNumber, String kind, int version, String contentType, int sizeBytes,
      Integer width, Integer height, String sha256, String uploadedBy, Instant removedAt, String removedReason) {
    public boolean removed() {
      return removedAt != null;
    }
  }

  private final JdbcClient jdbc;
  private final ReferenceData reference;
  private final AuditTrail audit;
  private final DecodeBudget budget;

  private final PersonalFields personal;
  public static final String TABLE = "case_document";

  public CaseDocuments(JdbcClient jdbc, ReferenceData reference, AuditTrail audit, DecodeBudget budget,
      PersonalFields personal) {
    this.personal = personal;
    this.jdbc = jdbc;
    this.reference = reference;
    this.audit = audit;
    this.budget = budget;
  }

  /**
   * Runs the file checks of a document kind, for an automated step: it may wait for the decode
   * budget longer than a caller on the line ({@code cardcase.images.job-decode-wait}).
   */
  public FileCheck.Result check(String kind, byte[] bytes) {
    return check(kind, bytes, budget.jobWait());
  }

  private FileCheck.Result check(String kind, byte[] bytes, Duration wait) {
    ReferenceData.Item k = reference.find(ReferenceData.Kind.DOCUMENT_KIND, kind)
        .orElseThrow(() -> new IllegalArgumentException("unknown document kind " + kind));
    return FileCheck.check(bytes, k.attributes(), budget, wait);
  }

  /**
   * An upload from a person or a channel: decodes the base64 field and runs the file checks of its
   * kind. Returns the bytes, or null with the problem put under the field's name.
   *
   * @throws DecodeBudget.Busy when too many large images are being decoded (answer 503, try again)
   */
  public byte[] accept(String field, String kind, String base64, Map<String, String> errors) {
    byte[] bytes = decode(field, base64, errors);
    if (bytes == null) {
      return null;
    }
    FileCheck.Result r = check(kind, bytes, budget.requestWait());
    if (!r.ok()) {
      errors.put(field, String.join("; ", r.problems()));
      return null;
    }
    return bytes;
  }

  /** Decodes a base64 document field; a missing or undecodable one is reported under its field name. */
  static byte[] decode(String field, String base64, Map<String, String> errors) {
    if (base64 == null || base64.isBlank()) {
      errors.put(field, field + " is required (the file's bytes, base64-encoded)");
      return null;
    }
    try {
      String b = base64.contains(",") && base64.startsWith("data:") ? base64.substring(base64.indexOf(',') + 1) : base64;
      return Base64.getMimeDecoder().decode(b);
    } catch (IllegalArgumentException e) {
      errors.put(field, field + " is not valid base64");
      return null;
    }
  }

  /** Checks and stores (in the caller's transaction); throws {@link FieldErrors} naming the field. */
  public Document store(String caseNumber, String field, String kind, byte[] bytes, String uploadedBy) {
    FileCheck.Result r = check(kind, bytes, budget.requestWait());
    if (!r.ok()) {
      throw FieldErrors.of(field, String.join("; ", r.problems()));
    }
    int version = jdbc.sql("select coalesce(max(version), 0) + 1 from case_document where case_number = ? and kind = ?")
        .params(caseNumber, kind).query(Integer.class).single();
    String sha = sha256(bytes);
    long id = jdbc.sql("""
        insert into case_document (case_number, kind, version, content_type, bytes_sealed, size_bytes, width, height, sha256,
          uploaded_by)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id""")
        .params(caseNumber, kind, version, r.contentType(), personal.sealBytes(TABLE, id(caseNumber, kind, version), bytes), bytes.length, r.width(), r.height(), sha, uploadedBy)
        .query(Long.class).single();
    audit.append(AuditTrail.ofCase(caseNumber), "document:" + kind + ":" + version, uploadedBy, null, "DOCUMENT_ADDED",
        Map.of("kind", kind, "version", version, "sha256", sha, "bytes", bytes.length));
    return latest(caseNumber, kind).filter(d -> d.id() == id).orElseThrow();
  }

  /** Stores a document the system made itself (a generated letter): no upload checks, still versioned and audited. */
  public Document storeGenerated(String caseNumber, String kind, String contentType, byte[] bytes, String madeFor) {
    int version = jdbc.sql("select coalesce(max(version), 0) + 1 from case_document where case_number = ? and kind = ?")
        .params(caseNumber, kind).query(Integer.class).single();
    String sha = sha256(bytes);
    jdbc.sql("""
        insert into case_document (case_number, kind, version, content_type, bytes_sealed, size_bytes, sha256, uploaded_by)
        values (?, ?, ?, ?, ?, ?, ?, ?)""").params(caseNumber, kind, version, contentType,
            personal.sealBytes(TABLE, id(caseNumber, kind, version), bytes), bytes.length, sha, madeFor).update();
    audit.append(AuditTrail.ofCase(caseNumber), "document:" + kind + ":" + version, madeFor, null, "DOCUMENT_ADDED",
        Map.of("kind", kind, "version", version, "sha256", sha, "bytes", bytes.length, "generated", true));
    return latest(caseNumber, kind).orElseThrow();
  }

  public Optional<Document> latest(String caseNumber, String kind) {
    return jdbc.sql("""
        select id, case_number, kind, version, content_type, size_bytes, width, height, sha256, uploaded_by, removed_at, removed_reason
        from case_document where case_number = ? and kind = ? order by version desc limit 1""")
        .params(caseNumber, kind).query(CaseDocuments::map).optional();
  }

  public List<Document> all(String caseNumber) {
    return jdbc.sql("""
        select id, case_number, kind, version, content_type, size_bytes, width, height, sha256, uploaded_by, removed_at, removed_reason
        from case_document where case_number = ? order by kind, version""").param(caseNumber).query(CaseDocuments::map).list();
  }

  /**
   * The document's bytes, decrypted (only for a person or step that needs them); null when they
   * are gone (a retention run removed them).
   */
  public byte[] bytes(long documentId) {
    // a list, not single(): the content of a row that exists may be null (removed), which single() refuses
    List<byte[]> found = jdbc.sql("select case_number, kind, version, bytes, bytes_sealed from case_document where id = ?")
        .param(documentId)
        .query((rs, i) -> {
          byte[] sealed = rs.getBytes("bytes_sealed");
          return sealed == null ? rs.getBytes("bytes")
              : personal.openBytes(TABLE, id(rs.getString("case_number"), rs.getString("kind"), rs.getInt("version")), sealed);
        }).list();
    if (found.isEmpty()) {
      throw new EmptyResultDataAccessException("no document " + documentId, 1);
    }
    return found.get(0);
  }

  /** A document's identity in its sealed value's context: case, kind and version (unique, known before the insert). */
  public static String id(String caseNumber, String kind, int version) {
    return caseNumber + "/" + kind + "/" + version;
  }

  static Document map(ResultSet rs, int i) throws SQLException {
    return new Document(rs.getLong("id"), rs.getString("case_number"), rs.getString("kind"), rs.getInt("version"),
        rs.getString("content_type"), rs.getInt("size_bytes"), (Integer) rs.getObject("width"), (Integer) rs.getObject("height"),
        rs.getString("sha256"), rs.getString("uploaded_by"),
        rs.getTimestamp("removed_at") == null ? null : rs.getTimestamp("removed_at").toInstant(), rs.getString("removed_reason"));
  }

  public static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
