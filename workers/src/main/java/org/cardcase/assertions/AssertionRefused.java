package org.cardcase.assertions;

/**
 * A citizen assertion was refused: the channel gets a 401 with the {@link Code} and a message it
 * can act on. Nothing was changed, except the refusal's own audit entry.
 */
public class AssertionRefused extends RuntimeException {
  /** Why, as a channel's developer reads it in the answer's {@code code}. */
  public enum Code {
    /** No {@code Citizen-Assertion} header where the answer belongs to one citizen. */
    MISSING,
    /** Not a compact JWS, a header or claim missing or wrong (alg, kid, aud, iat, lifetime over 5 minutes, jti, amr). */
    INVALID,
    /** Past its {@code exp} (60 s of clock skew allowed). */
    EXPIRED,
    /** Its {@code jti} was presented before: an assertion is taken once. */
    REPLAYED,
    /** Not signed by a key this channel registered (an unknown or retired kid, or the signature does not verify). */
    FOREIGN_SIGNED,
    /** Issued by another channel ({@code iss}): a channel presents only its own assertions. */
    OTHER_CHANNEL,
    /** About another person: {@code sub} is not the digest of the ID number the request is about. */
    OTHER_PERSON,
    /** {@code amr} names a method this channel does not authenticate citizens by. */
    METHOD_NOT_ALLOWED
  }

  private final Code code;

  public AssertionRefused(Code code, String message) {
    super(message);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
