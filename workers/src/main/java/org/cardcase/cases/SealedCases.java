package org.cardcase.cases;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.privacy.SealedTable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The cases' sealed personal data ({@code card_case.personal}: the applicant's name, ID number and
 * phone, and the personal keys of {@code data}) and how rows of an earlier version are encrypted.
 */
@Component
public class SealedCases implements SealedTable {
  private static final String PLAIN = """
      personal is null and (id_number is not null or applicant_name is not null or phone is not null)""";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JdbcClient jdbc;
  private final PersonalFields personal;

  public SealedCases(JdbcClient jdbc, PersonalFields personal) {
    this.jdbc = jdbc;
    this.personal = personal;
  }

  @Override
  public String table() {
    return CaseRepository.TABLE;
  }

  @Override
  public String column() {
    return "personal";
  }

  @Override
  public String key() {
    return "case_number";
  }

  @Override
  public String identity() {
    return "case_number";
  }

  @Override
  public long plainRows() {
    return jdbc.sql("select count(*) from card_case where " + PLAIN).query(Long.class).single();
  }

  @Override
  public int encryptPlainRows(int batch) {
    List<Map<String, Object>> rows = jdbc.sql("select case_number, applicant_name, id_number, phone, data::text as data from card_case "
        + "where " + PLAIN + " limit ? for update skip locked").param(batch).query().listOfRows();
    int n = rows.size();
    if (n == 0) {
      return 0;
    }
    String[] keys = new String[n];
    byte[][] sealed = new byte[n][];
    byte[][] ids = new byte[n][];
    byte[][] members = new byte[n][];
    for (int i = 0; i < n; i++) {
      Map<String, Object> r = rows.get(i);
      String cn = (String) r.get("case_number");
      Map<String, Object> data;
      try {
        data = JSON.readValue((String) r.get("data"), new TypeReference<LinkedHashMap<String, Object>>() {});
      } catch (IOException e) {
        throw new IllegalStateException("the data of case " + cn + " is not JSON", e);
      }
      Map<String, Object> secret = new LinkedHashMap<>();
      CaseRepository.PERSONAL_DATA_KEYS.stream().filter(data::containsKey).forEach(k -> secret.put(k, data.get(k)));
      String member = CaseRepository.MEMBER_KEYS.stream().map(secret::get).filter(Objects::nonNull).map(Object::toString)
          .findFirst().orElse(null);
      keys[i] = cn;
      sealed[i] = personal.seal(CaseRepository.TABLE, cn, CaseRepository.fields((String) r.get("applicant_name"),
          (String) r.get("id_number"), (String) r.get("phone"), secret));
      ids[i] = personal.idIndex((String) r.get("id_number"));
      members[i] = personal.idIndex(member);
    }
    // one statement a batch
    jdbc.sql("""
        update card_case c set personal = v.p, id_bidx = v.i, member_bidx = v.m, data = c.data - ?::text[],
          applicant_name = null, id_number = null, phone = null
        from unnest(?::text[], ?::bytea[], ?::bytea[], ?::bytea[]) as v(k, p, i, m) where c.case_number = v.k""")
        .params(CaseRepository.PERSONAL_DATA_KEYS.toArray(String[]::new), keys, sealed, ids, members).update();
    return rows.size();
  }
}
