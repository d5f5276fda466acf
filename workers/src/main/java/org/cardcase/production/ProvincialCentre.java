package org.cardcase.production;

/**
 * The provincial human resources and social security department: registers the approved card data
 * (the provincial card management system). Submitting the same card twice is answered with the
 * first receipt, as the real interface does with its idempotency key.
 */
public interface ProvincialCentre {
  /** Returns the centre's receipt number; throws if the centre cannot take it now (the step is retried). */
  String submit(CardOrder order);
}
