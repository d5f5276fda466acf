package org.cardcase.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cardcase.audit.AuditTrail;
import org.cardcase.shared.Masking;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Staff searches across cases, each accounted for: who searched, through which screen or call, the
 * query (masked as lists mask it: an ID number keeps its region and last four, a name its first
 * character) and how many cases it found, in the searcher's own trail {@code search:<name>}. An
 * empty query (the first page of a list) is not a search of anyone and is not written.
 */
@Service
public class CaseSearches {
  private final CaseIndex index;
  private final AuditTrail audit;
  private final TransactionTemplate tx;

  public CaseSearches(CaseIndex index, AuditTrail audit, TransactionTemplate tx) {
    this.index = index;
    this.audit = audit;
    this.tx = tx;
  }

  public static String subject(String actor) {
    return "search:" + actor;
  }

  public List<CaseHit> search(String actor, String channel, String query, int size) {
    List<CaseHit> hits = index.search(query, size);
    String q = query == null ? "" : query.strip();
    if (!q.isEmpty()) {
      tx.executeWithoutResult(s -> audit.append(subject(actor), "search:" + UUID.randomUUID(), actor, channel, "CASES_SEARCHED",
          Map.of("query", masked(q), "hits", hits.size())));
    }
    return hits;
  }

  /** The query as the trail keeps it: each word masked by what it looks like. */
  static String masked(String query) {
    List<String> out = new ArrayList<>();
    for (String word : query.strip().split("\\s+")) {
      if (word.matches("(?i)SC\\d+")) {
        out.add(word); // a case number says nothing about a person
      } else if (word.matches("1\\d{10}")) {
        out.add(Masking.phone(word));
      } else if (word.matches("(?i)\\d{6,17}[\\dX]")) {
        out.add(word.length() >= 15 ? Masking.idNumber(word) : Masking.cardNumber(word));
      } else if (word.matches("(?i)[A-Z]\\d{6,}")) {
        out.add(Masking.cardNumber(word));
      } else {
        out.add(Masking.name(word));
      }
    }
    return String.join(" ", out);
  }
}
