package org.cardcase.shared;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Issuing banks, family relationships, channels and document kinds, kept in PostgreSQL. Read on
 * every use: the lists are short, and a bank added by an administrator counts at once.
 */
@Component
public class ReferenceData {
  public enum Kind { BANK, RELATIONSHIP, CHANNEL, DOCUMENT_KIND }

  public record Item(Kind kind, String code, String nameZh, String nameEn, Map<String, Object> attributes) {
    public String name(Locale locale) {
      return "zh".equals(locale.getLanguage()) ? nameZh : nameEn;
    }

    public boolean flag(String attribute) {
      return Boolean.TRUE.equals(attributes.get(attribute));
    }
  }

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private final JdbcClient jdbc;
  private final ObjectMapper json;

  public ReferenceData(JdbcClient jdbc, ObjectMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Active items of a kind, in display order. */
  public List<Item> items(Kind kind) {
    return jdbc.sql("select * from reference_item where kind = ? and active order by sort, code").param(kind.name())
        .query((rs, i) -> new Item(kind, rs.getString("code"), rs.getString("name_zh"), rs.getString("name_en"),
            read(rs.getString("attributes"))))
        .list();
  }

  public List<String> codes(Kind kind) {
    return items(kind).stream().map(Item::code).toList();
  }

  public Optional<Item> find(Kind kind, String code) {
    return items(kind).stream().filter(i -> i.code().equals(code)).findFirst();
  }

  private Map<String, Object> read(String s) {
    try {
      return json.readValue(s, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
