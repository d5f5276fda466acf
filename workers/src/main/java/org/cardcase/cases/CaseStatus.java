package org.cardcase.cases;

/**
 * Where a case stands, as the citizen and the workspace see it (labels in both languages are
 * {@code case.status.*} in the workspace's translations). Steps of the processes set it.
 */
public enum CaseStatus {
  /** Stored and answered; its process is starting. */
  RECEIVED,
  IN_PROGRESS,
  /** Card application: the applicant's identity is verified. */
  VERIFIED,
  /** Card application: not verified; waiting for new photos or documents. */
  AWAITING_RESUBMISSION,
  IN_PRODUCTION,
  CARD_READY,
  ACTIVE,
  UNCOLLECTED,
  REJECTED,
  /** Provisional loss report: the card's settlement is stopped. */
  SETTLEMENT_STOPPED,
  WITHDRAWN,
  FORMALISED,
  COMPLETED,
  /** Family binding. */
  LINKED,
  REFUSED,
  /** Child e-card. */
  ISSUED,
  /** Closed by a supervisor or administrator instead of finishing (e.g. a step that kept failing). */
  CANCELLED
}
