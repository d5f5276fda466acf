package org.cardcase.api;

import java.util.Map;
import org.cardcase.search.SearchOutbox;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operations for administrators. */
@RestController
public class AdminApi {
  private final SearchOutbox outbox;

  public AdminApi(SearchOutbox outbox) {
    this.outbox = outbox;
  }

  /** Drops the search index and rebuilds it from PostgreSQL, the system of record. */
  @PostMapping("/api/admin/search/rebuild")
  Map<String, Object> rebuildSearch() {
    long t0 = System.nanoTime();
    int n = outbox.rebuild();
    return Map.of("reindexedCases", n, "millis", (System.nanoTime() - t0) / 1_000_000);
  }
}
