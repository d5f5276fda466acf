package org.cardcase.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The cases index in Elasticsearch: a read model only, rebuilt from PostgreSQL at will. */
@Component
public class CaseIndex {
  // Only analyzers the minimal distribution has (standard, keyword) so local and production match.
  private static final String MAPPING = """
      {"properties": {
        "caseNumber": {"type": "keyword"},
        "caseType": {"type": "keyword"},
        "status": {"type": "keyword"},
        "currentStep": {"type": "keyword"},
        "channel": {"type": "keyword"},
        "nameToken": {"type": "keyword"},
        "idNumberToken": {"type": "keyword"},
        "applicantNameMasked": {"type": "keyword", "index": false},
        "idNumberMasked": {"type": "keyword", "index": false},
        "phoneMasked": {"type": "keyword", "index": false},
        "issuingBank": {"type": "keyword"},
        "createdAt": {"type": "date"},
        "updatedAt": {"type": "date"},
        "closed": {"type": "boolean"},
        "cardNumberTokens": {"type": "keyword"},
        "cardNumbersMasked": {"type": "keyword", "index": false},
        "closedAt": {"type": "date"},
        "cycleWorkingDays": {"type": "integer"}
      }}""";
  /** The human tasks, for the supervisors' dashboard (counted, never searched by text). */
  private static final String TASK_MAPPING = """
      {"dynamic": "strict", "properties": {
        "taskId": {"type": "long"}, "caseNumber": {"type": "keyword"}, "caseType": {"type": "keyword"},
        "processId": {"type": "keyword"}, "step": {"type": "keyword"}, "group": {"type": "keyword"},
        "assignee": {"type": "keyword"}, "open": {"type": "boolean"}, "channel": {"type": "keyword"},
        "issuingBank": {"type": "keyword"}, "createdAt": {"type": "date"}, "dueAt": {"type": "date"},
        "claimedAt": {"type": "date"}, "completedAt": {"type": "date"}, "completedBy": {"type": "keyword"},
        "hoursAtStep": {"type": "double"}, "workHours": {"type": "double"}, "onTime": {"type": "boolean"}
      }}""";
  /** The stays of cases at steps, for the heatmap on the diagram. */
  private static final String VISIT_MAPPING = """
      {"dynamic": "strict", "properties": {
        "id": {"type": "keyword"}, "caseNumber": {"type": "keyword"}, "caseType": {"type": "keyword"},
        "step": {"type": "keyword"}, "channel": {"type": "keyword"}, "issuingBank": {"type": "keyword"},
        "enteredAt": {"type": "date"}, "leftAt": {"type": "date"}, "hours": {"type": "double"}, "waiting": {"type": "boolean"},
        "workingDays": {"type": "integer"}, "dueAt": {"type": "date"}, "allowedWorkingDays": {"type": "integer"},
        "late": {"type": "boolean"}
      }}""";
  /** Bumped when a mapping changes: new indices are created and filled from PostgreSQL. */
  static final String VERSION = "v6";

  private final ElasticsearchClient es;
  private final SearchTokens tokens;
  private final String prefix;
  private final String index;
  private final String taskIndex;
  private final String visitIndex;

  public CaseIndex(SearchTokens tokens, ElasticsearchClient es,
      @Value("${cardcase.search.index-prefix:cardcase}") String indexPrefix) {
    this.es = es;
    this.tokens = tokens;
    this.prefix = indexPrefix;
    this.index = indexPrefix + "-cases-" + VERSION;
    this.taskIndex = indexPrefix + "-tasks-" + VERSION;
    this.visitIndex = indexPrefix + "-visits-" + VERSION;
  }

  public String name() {
    return index;
  }

  public SearchTokens tokens() {
    return tokens;
  }

  public String taskIndexName() {
    return taskIndex;
  }

  public String visitIndexName() {
    return visitIndex;
  }

  /** Creates the indices that are not there; true if one was created (they then need filling). */
  public boolean createIfMissing() {
    boolean cases = createIfMissing(index, MAPPING);
    boolean tasks = createIfMissing(taskIndex, TASK_MAPPING);
    boolean created = createIfMissing(visitIndex, VISIT_MAPPING) | tasks | cases;
    if (created) {
      dropOlderVersions();
    }
    return created;
  }

  /**
   * Deletes the indices of earlier versions: they are filled again from PostgreSQL under the new
   * version, and an earlier one may hold what this one must not (v5 and before: names and ID
   * numbers in plain).
   */
  private void dropOlderVersions() {
    try {
      Set<String> found = es.indices().get(g -> g.index(prefix + "-*").ignoreUnavailable(true).allowNoIndices(true))
          .result().keySet();
      List<String> older = found.stream()
          .filter(n -> n.matches(Pattern.quote(prefix) + "-(cases|tasks|visits)-v\\d+"))
          .filter(n -> !n.equals(index) && !n.equals(taskIndex) && !n.equals(visitIndex)).toList();
      if (!older.isEmpty()) {
        es.indices().delete(d -> d.index(older));
        LoggerFactory.getLogger(CaseIndex.class).warn("search indices of an earlier version deleted: {}", older);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean createIfMissing(String name, String mapping) {
    try {
      if (!es.indices().exists(e -> e.index(name)).value()) {
        es.indices().create(c -> c.index(name)
            // searchable within a second of being indexed, without a forced refresh per batch
            .settings(s -> s.numberOfShards("1").numberOfReplicas("0").refreshInterval(t -> t.time("1s")))
            .mappings(m -> m.withJson(new StringReader(mapping))));
        return true;
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
      if (!"resource_already_exists_exception".equals(e.error().type())) {
        throw e;
      }
      return false;
    }
  }

  public void deleteIndex() {
    try {
      es.indices().delete(d -> d.index(index, taskIndex, visitIndex).ignoreUnavailable(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void index(List<CaseDocument> docs) {
    index(docs, List.of(), List.of());
  }

  /** Cases, their tasks and their stays at steps, in one bulk request; fails if any document is not taken. */
  public void index(List<CaseDocument> docs, List<TaskDocument> tasks, List<StepVisitDocument> visits) {
    Outcome o = indexEach(docs, tasks, visits);
    if (!o.refused().isEmpty() || !o.retry().isEmpty()) {
      throw new IllegalStateException("indexing failed: refused " + o.refused().values() + ", to retry " + o.retry());
    }
  }

  /** A document Elasticsearch refused for what it is (a 4xx other than 429): sending it again changes nothing. */
  public record Refusal(String caseNumber, String index, String documentId, int status, String type, String reason) {}

  /**
   * What became of each case's documents in one bulk request, by case number: {@code refused} cases
   * had a document refused for good (the first refusal is kept); {@code retry} cases had one that
   * Elasticsearch could not take now (429 or 5xx), with the reason. Every other case is indexed.
   */
  public record Outcome(Map<String, Refusal> refused, Map<String, String> retry) {}

  /**
   * Cases, their tasks and their stays at steps, in one bulk request, and each item's answer: one
   * refused document does not fail the others. A request that fails as a whole (no connection, a
   * 5xx for the request) throws, and nothing of it may be counted as indexed.
   */
  public Outcome indexEach(List<CaseDocument> docs, List<TaskDocument> tasks, List<StepVisitDocument> visits) {
    if (docs.isEmpty() && tasks.isEmpty() && visits.isEmpty()) {
      return new Outcome(Map.of(), Map.of());
    }
    // no forced refresh: it made Elasticsearch write a segment per batch (half a core under load);
    // the index refreshes every second by itself
    BulkRequest.Builder b = new BulkRequest.Builder();
    List<String> owners = new ArrayList<>(); // the case of each operation, in the order sent (and answered)
    for (CaseDocument d : docs) {
      b.operations(op -> op.index(i -> i.index(index).id(d.caseNumber()).document(d)));
      owners.add(d.caseNumber());
    }
    for (TaskDocument t : tasks) {
      b.operations(op -> op.index(i -> i.index(taskIndex).id(Long.toString(t.taskId())).document(t)));
      owners.add(t.caseNumber());
    }
    for (StepVisitDocument v : visits) {
      b.operations(op -> op.index(i -> i.index(visitIndex).id(v.id()).document(v)));
      owners.add(v.caseNumber());
    }
    BulkResponse r;
    try {
      r = es.bulk(b.build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Refusal> refused = new LinkedHashMap<>();
    Map<String, String> retry = new LinkedHashMap<>();
    if (!r.errors()) {
      return new Outcome(refused, retry);
    }
    List<BulkResponseItem> items = r.items();
    if (items.size() != owners.size()) {
      throw new IllegalStateException("Elasticsearch answered " + items.size() + " items for " + owners.size() + " documents");
    }
    for (int i = 0; i < items.size(); i++) {
      BulkResponseItem item = items.get(i);
      if (item.error() == null) {
        continue;
      }
      String owner = owners.get(i);
      String reason = describe(item.error());
      if (transientStatus(item.status()) || notTheDocumentsFault(item.error().type())) {
        retry.putIfAbsent(owner, item.status() + " " + reason);
      } else {
        refused.putIfAbsent(owner, new Refusal(owner, item.index(), item.id(), item.status(), item.error().type(), reason));
      }
    }
    // a case with a document to retry comes again whole; it is not also dead-lettered meanwhile
    retry.keySet().forEach(refused::remove);
    return new Outcome(refused, retry);
  }

  /** Elasticsearch is busy (429) or had a fault of its own (5xx): the same document may be taken later. */
  static boolean transientStatus(int status) {
    return status == 429 || status == 408 || status >= 500;
  }

  /**
   * 4xx answers that are about the index, not the document: a write block (an operator's, or the
   * disk's flood stage), an index that is gone (dropped for a rebuild), or the application's user
   * not (or no longer) allowed to write it (a role changed on the cluster: 403 security_exception).
   * The document is fine.
   */
  static boolean notTheDocumentsFault(String errorType) {
    return "cluster_block_exception".equals(errorType) || "index_not_found_exception".equals(errorType)
        || "security_exception".equals(errorType);
  }

  /**
   * Elasticsearch quotes the start of a refused field's value; that may be a name or an ID number,
   * which must not reach the log or the dead letters, so it is left out (the field is named).
   */
  static String withoutValue(String reason) {
    if (reason == null) {
      return null;
    }
    int preview = reason.indexOf("Preview of field's value:");
    return preview < 0 ? reason : reason.substring(0, preview) + "(the field's value is left out)";
  }

  private static String describe(co.elastic.clients.elasticsearch._types.ErrorCause e) {
    StringBuilder b = new StringBuilder().append(e.type()).append(": ").append(withoutValue(e.reason()));
    for (var c = e.causedBy(); c != null; c = c.causedBy()) {
      b.append(" (caused by ").append(c.type()).append(": ").append(withoutValue(c.reason())).append(')');
    }
    String s = b.toString();
    return s.length() > 2000 ? s.substring(0, 2000) + "…" : s;
  }

  /**
   * Cases matching a full name, a case number (or its beginning), an ID number or a card number;
   * newest first when the query is empty. Names and numbers are matched by their tokens: exactly,
   * the whole name or the whole number (the index cannot do parts of what it does not hold).
   */
  public List<CaseHit> search(String text, int size) {
    String q = text == null ? "" : text.strip();
    String upper = q.toUpperCase(Locale.ROOT);
    String number = tokens.number(q);
    String name = tokens.name(q);
    // named queries tell which field matched, so the screen can highlight it without unmasking it
    Query query = q.isEmpty() ? Query.of(x -> x.matchAll(m -> m)) : Query.of(x -> x.bool(b -> b
        .should(s -> s.term(t -> t.field("nameToken").value(name).boost(3f).queryName("name")))
        .should(s -> s.term(t -> t.field("caseNumber").value(upper).boost(5f).queryName("caseNumber")))
        .should(s -> s.prefix(p -> p.field("caseNumber").value(upper).queryName("caseNumber")))
        .should(s -> s.term(t -> t.field("idNumberToken").value(number).boost(5f).queryName("idNumber")))
        .should(s -> s.term(t -> t.field("cardNumberTokens").value(number).boost(5f).queryName("cardNumber")))
        .minimumShouldMatch("1")));
    try {
      SearchResponse<CaseDocument> r = es.search(s -> s.index(index).query(query).size(size)
          .sort(o -> o.score(sc -> sc.order(SortOrder.Desc)))
          .sort(o -> o.field(f -> f.field("createdAt").order(SortOrder.Desc))), CaseDocument.class);
      return r.hits().hits().stream().map(h -> {
        CaseDocument d = h.source();
        return new CaseHit(d.caseNumber(), d.caseType(), d.status(), d.currentStep(), d.channel(), d.applicantNameMasked(),
            d.idNumberMasked(), d.createdAt(), d.updatedAt(), d.cardNumbersMasked() == null ? List.of() : d.cardNumbersMasked(),
            h.matchedQueries() == null ? List.of() : h.matchedQueries().stream().distinct().toList());
      }).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
