package org.cardcase.api;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.access.SignInGuard;
import org.cardcase.access.StaffAdministration;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.search.SearchDeadLetters;
import org.cardcase.search.SearchOutbox;
import org.cardcase.shared.FieldErrors;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Operations for administrators. */
@RestController
public class AdminApi {
  private final SearchOutbox outbox;
  private final SignInGuard signIn;

  private final StaffAdministration staff;
  private final CitizenAssertions assertions;

  private final SearchDeadLetters deadLetters;

  public AdminApi(SearchOutbox outbox, SignInGuard signIn, StaffAdministration staff,
      CitizenAssertions assertions, SearchDeadLetters deadLetters) {
    this.deadLetters = deadLetters;
    this.assertions = assertions;
    this.staff = staff;
    this.outbox = outbox;
    this.signIn = signIn;
  }

  /**
   * Registers the channel's signing keys for citizen assertions: a JWKS of public keys (EC P-256 for
   * ES256, or RSA for RS256), each with its kid. The set replaces the channel's: keys left out are
   * retired. Private keys and unknown channels are refused; audited on {@code channel:<name>}.
   */
  @PutMapping(path = "/api/admin/channels/{channel}/keys",
      consumes = {"application/json", "application/jwk-set+json"})
  CitizenAssertions.Registration channelKeys(@PathVariable String channel, @RequestBody String jwks,
      Principal admin) {
    return assertions.replaceKeys(channel, jwks, admin.getName());
  }

  /** The channel's signing keys, active and retired. */
  @GetMapping("/api/admin/channels/{channel}/keys")
  List<CitizenAssertions.ChannelKey> channelKeys(@PathVariable String channel) {
    return assertions.keys(channel);
  }

  /** Drops the search index and rebuilds it from PostgreSQL, the system of record. */
  @PostMapping("/api/admin/search/rebuild")
  Map<String, Object> rebuildSearch() {
    long t0 = System.nanoTime();
    int n = outbox.rebuild();
    return Map.of("reindexedCases", n, "millis", (System.nanoTime() - t0) / 1_000_000);
  }

  /** The indexer's figures: changes waiting in the outbox, cases set aside, and whether it backs off. */
  @GetMapping("/api/admin/search")
  Map<String, Object> searchStatus() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("waiting", outbox.waiting());
    m.put("deadLetters", deadLetters.waiting());
    m.put("paused", outbox.paused());
    m.put("nextAttemptAt", outbox.nextAttemptAt());
    m.put("lastProblem", outbox.lastProblem());
    return m;
  }

  /**
   * Cases whose search documents Elasticsearch refused, newest first: those waiting for an
   * administrator ({@code all=true}: retried, skipped and indexed ones too).
   */
  @GetMapping("/api/admin/search/dead-letters")
  List<SearchDeadLetters.DeadLetter> deadLetters(
      @RequestParam(defaultValue = "false") boolean all,
      @RequestParam(defaultValue = "100") int limit) {
    return deadLetters.list(!all, limit);
  }

  /** Puts the case back into the outbox (after fixing its data or the mapping); audited on the case. 404, or 409 if handled. */
  @PostMapping("/api/admin/search/dead-letters/{id}/retry")
  SearchDeadLetters.DeadLetter retryDeadLetter(@PathVariable long id, Principal admin) {
    return deadLetters.retry(id, admin.getName());
  }

  /** Leaves the case out of the index until it changes again; a reason is required (400), audited on the case. */
  @PostMapping(path = "/api/admin/search/dead-letters/{id}/skip", consumes = "application/json")
  SearchDeadLetters.DeadLetter skipDeadLetter(@PathVariable long id, @RequestBody Unlock body,
      Principal admin) {
    return deadLetters.skip(id, admin.getName(), body == null ? null : body.reason());
  }

  public record Unlock(String reason) {}

  /** Unlocks a staff account locked after repeated failed sign-ins; audited with the reason. */
  @PostMapping(path = "/api/admin/accounts/{username}/unlock", consumes = "application/json")
  Map<String, Object> unlock(@PathVariable String username, @RequestBody Unlock body, Principal admin) {
    boolean unlocked = signIn.unlock(username, admin.getName(), body == null ? null : body.reason());
    return Map.of("username", username, "unlocked", unlocked, "message",
        unlocked ? "unlocked; the account can sign in again" : "the account was not locked");
  }

  /** Locks a staff account on purpose until an administrator unlocks it; audited with the reason. */
  @PostMapping(path = "/api/admin/accounts/{username}/lock", consumes = "application/json")
  Map<String, Object> lock(@PathVariable String username, @RequestBody Unlock body, Principal admin) {
    staff.find(username); // 404 for a name that is not staff
    boolean locked = signIn.lock(username, admin.getName(), body == null ? null : body.reason());
    return Map.of("username", username, "locked", locked, "message",
        locked ? "locked until an administrator unlocks it; its sessions have ended" : "the account was already locked");
  }

  /** The staff accounts (never a password hash). */
  @GetMapping("/api/admin/staff")
  List<StaffAdministration.StaffMember> staff() {
    return staff.all();
  }

  /** Creates a staff account; 400 with the fields at fault, and nothing stored, for bad input. */
  @PostMapping(path = "/api/admin/staff", consumes = "application/json")
  ResponseEntity<StaffAdministration.StaffMember> create(
      @RequestBody StaffAdministration.NewStaff body, Principal admin) {
    if (body == null) {
      throw FieldErrors.of("body", "send the new account as JSON");
    }
    staff.create(body, admin.getName());
    return ResponseEntity.status(201).body(staff.find(body.username().strip()));
  }

  public record Groups(List<String> groups, String reason) {}

  @PutMapping(path = "/api/admin/staff/{username}/groups", consumes = "application/json")
  StaffAdministration.StaffMember groups(@PathVariable String username, @RequestBody Groups body, Principal admin) {
    staff.setGroups(username, body.groups(), admin.getName(), body.reason());
    return staff.find(username);
  }

  public record Enabled(boolean enabled, String reason) {}

  @PutMapping(path = "/api/admin/staff/{username}/enabled", consumes = "application/json")
  StaffAdministration.StaffMember enabled(@PathVariable String username, @RequestBody Enabled body,
      Principal admin) {
    staff.setEnabled(username, body.enabled(), admin.getName(), body.reason());
    return staff.find(username);
  }

  public record Password(String password, String reason) {}

  @PostMapping(path = "/api/admin/staff/{username}/password", consumes = "application/json")
  Map<String, Object> password(@PathVariable String username, @RequestBody Password body, Principal admin) {
    staff.resetPassword(username, body.password(), admin.getName(), body.reason());
    return Map.of("username", username, "message", "password set; give it to the person in person");
  }
}
