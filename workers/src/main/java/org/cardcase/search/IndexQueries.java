package org.cardcase.search;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.calendar.WorkingDayCalendar;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;
import org.springframework.stereotype.Component;

/**
 * Reads of the read model for the supervisors' figures and the breach forecast: a query body in
 * Elasticsearch's own JSON, written as maps as its documentation shows them, sent to one of the
 * index's three indices (cases, tasks, stays at steps). The small helpers below build the clauses
 * both readers share, so a filter means the same on every figure.
 */
@Component
public class IndexQueries {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private final RestClient rest;
  private final CaseIndex index;

  public IndexQueries(RestClient searchRestClient, CaseIndex index) {
    this.rest = searchRestClient;
    this.index = index;
  }

  public String cases() {
    return index.name();
  }

  public String tasks() {
    return index.taskIndexName();
  }

  public String visits() {
    return index.visitIndexName();
  }

  /** The answer to a search; {@link IndexUnavailable} if the index did not give one. */
  public JsonNode search(String indexName, Map<String, Object> body) {
    try {
      Request request = new Request("POST", "/" + indexName + "/_search");
      request.setJsonEntity(JSON.writeValueAsString(body));
      Response response = rest.performRequest(request);
      try (InputStream in = response.getEntity().getContent()) {
        return JSON.readTree(in);
      }
    } catch (IOException | RuntimeException e) {
      throw new IndexUnavailable(e);
    }
  }

  /** The documents a search returned, in its order. */
  public static <T> List<T> sources(JsonNode response, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (JsonNode h : response.path("hits").path("hits")) {
      out.add(JSON.convertValue(h.path("_source"), type));
    }
    return out;
  }

  /** The filter's clauses that apply to tasks: those of a case, and the step and work group. */
  public static List<Object> taskFilters(IndexFilter f) {
    List<Object> out = caseFilters(f);
    term(out, "step", f.step());
    term(out, "group", f.group());
    return out;
  }

  /** The filter's clauses that apply to a case and its stays (step and group do not). */
  public static List<Object> caseFilters(IndexFilter f) {
    List<Object> out = new ArrayList<>();
    term(out, "caseType", f.caseType());
    term(out, "channel", f.channel());
    term(out, "issuingBank", f.bank());
    return out;
  }

  /** Adds a term clause unless the value is null or blank (any). */
  public static void term(List<Object> out, String field, String value) {
    if (value != null && !value.isBlank()) {
      out.add(Map.of("term", Map.of(field, value)));
    }
  }

  public static Map<String, Object> bool(List<Object> filters, Object also) {
    List<Object> all = new ArrayList<>(filters);
    all.add(also);
    return Map.of("bool", Map.of("filter", all));
  }

  /** From (inclusive) to (exclusive); a null end is open. */
  public static Map<String, Object> range(String field, Instant from, Instant to) {
    Map<String, Object> r = new LinkedHashMap<>();
    if (from != null) {
      r.put("gte", from.toEpochMilli());
    }
    if (to != null) {
      r.put("lt", to.toEpochMilli());
    }
    return Map.of("range", Map.of(field, r));
  }

  public static Map<String, Object> percentiles(String field) {
    return Map.of("percentiles", Map.of("field", field, "percents", List.of(50, 90)));
  }

  /** A number of an answer to one decimal; null where the index had none. */
  public static Double value(JsonNode n) {
    return n.isNumber() ? Math.round(n.asDouble() * 10) / 10.0 : null;
  }

  /** The day in China of a bucket's key. */
  public static LocalDate day(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atZone(WorkingDayCalendar.ZONE).toLocalDate();
  }

  public static Map<String, Object> with(Map<String, Object> m, String key, Object value) {
    Map<String, Object> out = new LinkedHashMap<>(m);
    out.put(key, value);
    return out;
  }
}
