package org.cardcase.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cardcase.access.SignInGuard;
import org.cardcase.access.StaffAdministration;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Checks a password with BCrypt once, then remembers for a short time that this exact password was
 * right. BCrypt is slow on purpose (70-100 ms here), which is right against guessing but wrong
 * for a channel system that sends the same credentials with every call: without this, password
 * checking took most of each API request. Only a salted SHA-256 of a verified password is kept,
 * never the password; a wrong password is never cached and stays as slow as BCrypt makes it.
 */
final class VerifiedCredentials implements AuthenticationProvider {
  private record Verified(byte[] digest, Authentication authentication, long until) {}

  private final DaoAuthenticationProvider bcrypt;
  private final long ttlNanos;
  private final byte[] salt = new byte[32];
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private final SignInGuard guard;

  VerifiedCredentials(DaoAuthenticationProvider bcrypt, Duration ttl, SignInGuard guard) {
    this.bcrypt = bcrypt;
    this.guard = guard;
    this.ttlNanos = ttl.toNanos();
    new SecureRandom().nextBytes(salt);
  }

  @Override
  public Authentication authenticate(Authentication request) throws AuthenticationException {
    String name = request.getName();
    Object credentials = request.getCredentials();
    if (name == null || !(credentials instanceof String password)) {
      return bcrypt.authenticate(request);
    }
    byte[] digest = digest(name, password);
    Verified v = verified.get(name);
    long now = System.nanoTime();
    if (v != null && now - v.until() < 0 && MessageDigest.isEqual(v.digest(), digest)) {
      return v.authentication();
    }
    // a locked or throttled name or address is refused before BCrypt; it is never in the cache (a failure evicts it)
    String address = request.getDetails() instanceof WebAuthenticationDetails d ? d.getRemoteAddress() : null;
    var refusal = guard.check(name, address);
    if (refusal.isPresent()) {
      throw new Refused(refusal.get().reason(), refusal.get().retryAfter());
    }
    Authentication ok;
    try {
      ok = bcrypt.authenticate(request); // throws for wrong credentials: nothing cached
    } catch (AuthenticationException e) {
      verified.remove(name);
      guard.failed(name, address, null);
      throw e;
    }
    guard.succeeded(name, address);
    if (guard.lockedByAdministrator(name)) {
      // said only to whoever knows the password: to anyone else the name looks like every other
      throw new LockedException(
          "this account is locked by an administrator; ask an administrator to unlock it");
    }
    if (verified.size() > 10_000) {
      verified.clear(); // a bound: there are tens of accounts, not thousands
    }
    verified.put(name, new Verified(digest, ok, now + ttlNanos));
    return ok;
  }

  /** A sign-in refused without checking the password: the account is locked, or the name throttled. */
  static final class Refused extends LockedException {
    final Duration retryAfter;

    Refused(String message, Duration retryAfter) {
      super(message);
      this.retryAfter = retryAfter;
    }
  }

  /** Forgets an account's verified password at once (password changed, account disabled). */
  void forget(String name) {
    verified.remove(name);
  }

  @EventListener
  public void on(StaffAdministration.AccountChanged changed) {
    forget(changed.username());
  }

  @Override
  public boolean supports(Class<?> type) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(type);
  }

  private byte[] digest(String name, String password) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      sha.update(name.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(password.getBytes(StandardCharsets.UTF_8));
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
