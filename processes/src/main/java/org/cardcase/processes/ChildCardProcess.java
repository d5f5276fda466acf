package org.cardcase.processes;

import java.util.List;

/** Element ids, job types and variables of {@code bpmn/child-e-card.bpmn}. */
public final class ChildCardProcess {
  private ChildCardProcess() {}

  public static final String PROCESS_ID = "child-e-card";
  public static final String RESOURCE = "bpmn/child-e-card.bpmn";

  // elements
  public static final String START = "child-card-requested";
  public static final String CHECK = "check-child-application";
  public static final String CHECKS_OK = "child-checks-ok";
  public static final String REVIEW = "review-child-card";
  public static final String REVIEW_DECISION = "child-review-decision";
  public static final String ISSUE = "issue-child-e-card";
  public static final String REFUSE = "refuse-child-card";
  public static final String END_ISSUED = "child-card-issued";
  public static final String END_REFUSED = "child-card-refused";

  // job types
  public static final String JOB_CHECK = "child.check";
  public static final String JOB_ISSUE = "child.issue";
  public static final String JOB_REFUSE = "child.refuse";

  // variables
  public static final String VAR_CHECKS_OK = "childChecksOk";
  public static final String VAR_CHECK_PROBLEM = "checkProblem";
  /** False when a check could not decide (the household registry did not know): a clerk reviews; true: issued on the parent's confirmation. */
  public static final String VAR_CHECKS_CONCLUSIVE = "childChecksConclusive";
  public static final String VAR_REVIEW_OUTCOME = "childReviewOutcome";
  public static final String VAR_REVIEW_REASON = "childReviewReason";

  public static final String GROUP_VERIFICATION = "verification";
  public static final String FORM_REVIEW = "review-child-card";

  public static final List<String> JOB_TYPES = List.of(JOB_CHECK, JOB_ISSUE, JOB_REFUSE);
  public static final List<String> WAIT_STATES = List.of(REVIEW);
}
