package org.cardcase.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the domain services use to keep personal data encrypted at rest: a record's personal fields
 * sealed together (one JSON object, one data key per record) under the record's identity
 * ({@code table/primary key}), bytes (photos, scans) sealed alike, and the blind index of an ID
 * number for lookups. The services decrypt where a person or a step needs the value (a case file,
 * a page of a list, an SMS being sent); nothing here logs a value.
 */
public class PersonalFields {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
  private final Envelope envelope;
  private final BlindIndex blind;

  public PersonalFields(Envelope envelope, BlindIndex blind) {
    this.envelope = envelope;
    this.blind = blind;
  }

  /**
   * For tests that run without an application context: keys that live as long as this object
   * (in a temporary directory), never for data that must outlive it.
   */
  public static PersonalFields ephemeral() {
    return new PersonalFields(new Envelope(LocalKeys.given(Base64.getEncoder().encodeToString(Aes.randomKey()),
        "keys of this object only")), new BlindIndex(Aes.randomKey()));
  }

  public Envelope envelope() {
    return envelope;
  }

  public static String context(String table, String id) {
    return table + "/" + id;
  }

  /** The fields (nulls left out) sealed for the record {@code table/id}. */
  public byte[] seal(String table, String id, Map<String, ?> fields) {
    Map<String, Object> present = new LinkedHashMap<>();
    fields.forEach((k, v) -> {
      if (v != null) {
        present.put(k, v);
      }
    });
    try {
      return envelope.seal(context(table, id), JSON.writeValueAsBytes(present));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The fields of a sealed record; empty for null. */
  public Map<String, Object> open(String table, String id, byte[] sealed) {
    if (sealed == null) {
      return new LinkedHashMap<>();
    }
    try {
      return JSON.readValue(envelope.open(context(table, id), sealed), MAP);
    } catch (IOException e) {
      throw new IllegalStateException("the personal data of " + context(table, id) + " is not a JSON object", e);
    }
  }

  public byte[] sealBytes(String table, String id, byte[] bytes) {
    return bytes == null ? null : envelope.seal(context(table, id), bytes);
  }

  public byte[] openBytes(String table, String id, byte[] sealed) {
    return sealed == null ? null : envelope.open(context(table, id), sealed);
  }

  /** The blind index of an ID number (null for none). */
  public byte[] idIndex(String idNumber) {
    return blind.idNumber(idNumber);
  }

  /**
   * A person's name where an ID number must not appear and an unkeyed digest would not do (a plain
   * SHA-256 of an ID number is found again by trying the few billion possible numbers): the blind
   * index in hex, {@code hmac:<64 hex>}, e.g. for the person's own audit trail.
   */
  public String idDigest(String idNumber) {
    byte[] b = idIndex(idNumber);
    return b == null ? null : "hmac:" + HexFormat.of().formatHex(b);
  }

  /** A field of an opened record as text (null when absent). */
  public static String text(Map<String, Object> fields, String name) {
    Object v = fields.get(name);
    return v == null ? null : v.toString();
  }
}
