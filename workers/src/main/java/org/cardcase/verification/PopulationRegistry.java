package org.cardcase.verification;

/**
 * The population registry (public security household registration data): is there a resident
 * with this identity number and name, and how alike are the applicant's portrait and the
 * registry's photo.
 */
public interface PopulationRegistry {
  enum Match { MATCH, NO_MATCH }

  /** similarity in [0, 1]; only meaningful for MATCH. */
  record Answer(Match match, double photoSimilarity) {}

  /** Thrown when the registry cannot answer now (timeout, maintenance); the step is retried. */
  class Unavailable extends RuntimeException {
    public Unavailable(String m) {
      super(m);
    }
  }

  Answer verify(String idNumber, String name, byte[] portrait) throws Unavailable;
}
