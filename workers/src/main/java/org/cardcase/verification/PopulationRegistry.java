package org.cardcase.verification;

/**
 * The population registry (public security household registration data): is there a resident
 * with this identity number and name, and how alike are the applicant's portrait and the
 * registry's photo; and whether a child is on a parent's household register.
 */
public interface PopulationRegistry {
  enum Match { MATCH, NO_MATCH }

  /**
   * Similarities in [0, 1], only meaningful for MATCH: {@code photoSimilarity} of the portrait with
   * the registry's photo and with the ID card photo (the lower of the two), {@code idCardSimilarity}
   * of the ID card photo with the registry's photo (guide 001: real-name verification by the ID card).
   */
  record Answer(Match match, double photoSimilarity, double idCardSimilarity) {
    public Answer(Match match, double photoSimilarity) {
      this(match, photoSimilarity, photoSimilarity);
    }

    /** What the decision goes by: the weakest of the comparisons. */
    public double lowestSimilarity() {
      return Math.min(photoSimilarity, idCardSimilarity);
    }
  }

  /** Thrown when the registry cannot answer now (timeout, maintenance); the step is retried. */
  class Unavailable extends RuntimeException {
    public Unavailable(String m) {
      super(m);
    }
  }

  Answer verify(String idNumber, String name, byte[] portrait) throws Unavailable;

  /** Real-name verification of an application: the ID card photo against the registry, the portrait against both. */
  Answer verify(String idNumber, String name, byte[] portrait, byte[] idCardPhoto) throws Unavailable;

  /** The registry's photo of this resident (the applicant may choose it as the card's photo), or null if there is none. */
  byte[] photoOnFile(String idNumber) throws Unavailable;

  /** Whether the child is on the parent's household register: SAME, DIFFERENT, or UNKNOWN (the registry cannot tell). */
  enum Household { SAME, DIFFERENT, UNKNOWN }

  Household household(String parentIdNumber, String childIdNumber) throws Unavailable;
}
