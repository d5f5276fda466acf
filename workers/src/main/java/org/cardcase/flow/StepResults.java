package org.cardcase.flow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What each automated step of a case returned to the engine (only steps that return something),
 * kept so that a draft can be tried on the case with the decisions its steps really took.
 */
@Repository
public class StepResults {
  private final JdbcClient jdbc;
  private final ProcessLinks links;

  public StepResults(JdbcClient jdbc, ProcessLinks links) {
    this.jdbc = jdbc;
    this.links = links;
  }

  public void record(String caseNumber, String elementId, long jobKey, Map<String, Object> variables) {
    jdbc.sql("""
        insert into step_result (case_number, element_id, job_key, variables) values (?, ?, ?, ?::jsonb)
        on conflict (job_key, case_number) do nothing""").params(caseNumber, elementId, jobKey, links.write(variables)).update();
  }

  /** Per step, what it returned each time it ran, in order. */
  public Map<String, List<Map<String, Object>>> of(String caseNumber) {
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    jdbc.sql("select element_id, variables::text from step_result where case_number = ? order by id").param(caseNumber)
        .query(rs -> {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(links.read(rs.getString(2)));
        });
    return out;
  }
}
