package org.cardcase.api;

import java.security.Principal;
import java.util.Map;
import org.cardcase.access.SignInGuard;
import org.cardcase.search.SearchOutbox;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Operations for administrators. */
@RestController
public class AdminApi {
  private final SearchOutbox outbox;
  private final SignInGuard signIn;

  public AdminApi(SearchOutbox outbox, SignInGuard signIn) {
    this.outbox = outbox;
    this.signIn = signIn;
  }

  /** Drops the search index and rebuilds it from PostgreSQL, the system of record. */
  @PostMapping("/api/admin/search/rebuild")
  Map<String, Object> rebuildSearch() {
    long t0 = System.nanoTime();
    int n = outbox.rebuild();
    return Map.of("reindexedCases", n, "millis", (System.nanoTime() - t0) / 1_000_000);
  }

  public record Unlock(String reason) {}

  /** Unlocks a staff account locked after repeated failed sign-ins; audited with the reason. */
  @PostMapping(path = "/api/admin/accounts/{username}/unlock", consumes = "application/json")
  Map<String, Object> unlock(@PathVariable String username, @RequestBody Unlock body, Principal admin) {
    boolean unlocked = signIn.unlock(username, admin.getName(), body == null ? null : body.reason());
    return Map.of("username", username, "unlocked", unlocked, "message",
        unlocked ? "unlocked; the account can sign in again" : "the account was not locked");
  }
}
