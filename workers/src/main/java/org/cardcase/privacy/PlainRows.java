package org.cardcase.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A {@link SealedTable} whose plain columns of an earlier version map one to one onto sealed fields
 * (or one bytes column onto a sealed value), with blind indexes of some of them. The owner gives
 * its table's names; this runs the statements.
 */
public class PlainRows implements SealedTable {
  private final JdbcClient jdbc;
  private final PersonalFields personal;
  private final String table;
  private final String column;
  private final String key;
  private final String identity;
  private final Map<String, String> fields; // plain column -> field name; empty for bytes
  private final String bytesColumn;
  private final Map<String, String> blind; // blind-index column -> plain ID number column
  private final String extraSet;

  /** Fields: the plain columns sealed together as JSON. */
  public static PlainRows fields(JdbcClient jdbc, PersonalFields personal, String table, String key, String identity,
      Map<String, String> fields, Map<String, String> blind, String extraSet) {
    return new PlainRows(jdbc, personal, table, "personal", key, identity, fields, null, blind, extraSet);
  }

  /** Bytes: one plain bytes column sealed as it is into {@code column}. */
  public static PlainRows bytes(JdbcClient jdbc, PersonalFields personal, String table, String column, String key, String identity,
      String bytesColumn) {
    return new PlainRows(jdbc, personal, table, column, key, identity, Map.of(), bytesColumn, Map.of(), "");
  }

  protected PlainRows(JdbcClient jdbc, PersonalFields personal, String table, String column, String key, String identity,
      Map<String, String> fields, String bytesColumn, Map<String, String> blind, String extraSet) {
    this.jdbc = jdbc;
    this.personal = personal;
    this.table = table;
    this.column = column;
    this.key = key;
    this.identity = identity;
    this.fields = new LinkedHashMap<>(fields);
    this.bytesColumn = bytesColumn;
    this.blind = new LinkedHashMap<>(blind);
    this.extraSet = extraSet;
  }

  @Override
  public String table() {
    return table;
  }

  @Override
  public String column() {
    return column;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public String identity() {
    return identity;
  }

  private List<String> plainColumns() {
    return bytesColumn != null ? List.of(bytesColumn) : List.copyOf(fields.keySet());
  }

  private String plainWhere() {
    return column + " is null and (" + String.join(" or ", plainColumns().stream().map(c -> c + " is not null").toList()) + ")";
  }

  @Override
  public long plainRows() {
    return jdbc.sql("select count(*) from " + table + " where " + plainWhere()).query(Long.class).single();
  }

  @Override
  public int encryptPlainRows(int batch) {
    List<Map<String, Object>> rows = jdbc.sql("select *, " + key + " as privacy_key_, " + identity + " as privacy_identity_ from "
        + table + " where " + plainWhere() + " limit ? for update skip locked").param(bytesColumn != null ? Math.min(batch, 50) : batch)
        .query().listOfRows();
    if (rows.isEmpty()) {
      return 0;
    }
    // sealed here, written in one statement (one round trip a batch)
    int n = rows.size();
    Object first = rows.getFirst().get("privacy_key_");
    boolean numeric = first instanceof Number;
    Object[] keys = numeric ? new Long[n] : new String[n];
    byte[][] sealed = new byte[n][];
    List<String> bidxColumns = List.copyOf(blind.keySet());
    byte[][][] indexes = new byte[bidxColumns.size()][n][];
    for (int i = 0; i < n; i++) {
      Map<String, Object> r = rows.get(i);
      String id = String.valueOf(r.get("privacy_identity_"));
      keys[i] = numeric ? (Object) ((Number) r.get("privacy_key_")).longValue() : r.get("privacy_key_").toString();
      if (bytesColumn != null) {
        sealed[i] = personal.sealBytes(table, id, (byte[]) r.get(bytesColumn));
      } else {
        Map<String, Object> f = new LinkedHashMap<>();
        fields.forEach((plain, name) -> f.put(name, r.get(plain)));
        sealed[i] = personal.seal(table, id, f);
      }
      for (int b = 0; b < bidxColumns.size(); b++) {
        indexes[b][i] = personal.idIndex((String) r.get(blind.get(bidxColumns.get(b))));
      }
    }
    StringBuilder set = new StringBuilder(column + " = v.s");
    StringBuilder types = new StringBuilder("?::" + (numeric ? "bigint[]" : "text[]") + ", ?::bytea[]");
    StringBuilder names = new StringBuilder("k, s");
    List<Object> params = new ArrayList<>(List.of(keys, sealed));
    for (int b = 0; b < bidxColumns.size(); b++) {
      set.append(", ").append(bidxColumns.get(b)).append(" = v.b").append(b);
      types.append(", ?::bytea[]");
      names.append(", b").append(b);
      params.add(indexes[b]);
    }
    set.append(extraSet);
    plainColumns().forEach(c -> set.append(", ").append(c).append(" = null"));
    jdbc.sql("update " + table + " set " + set + " from unnest(" + types + ") as v(" + names + ") where (" + key + ") = v.k")
        .params(params.toArray()).update();
    return rows.size();
  }
}
