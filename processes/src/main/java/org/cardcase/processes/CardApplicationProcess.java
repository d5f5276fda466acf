package org.cardcase.processes;

import java.util.List;

/** Element ids, job types and messages of {@code bpmn/card-application.bpmn}. */
public final class CardApplicationProcess {
  private CardApplicationProcess() {}

  public static final String PROCESS_ID = "card-application";
  public static final String RESOURCE = "bpmn/card-application.bpmn";

  // elements
  public static final String START = "application-received";
  public static final String REGISTER = "register-application";
  public static final String REVIEW = "review-application";
  public static final String DECISION = "review-decision";
  public static final String REQUEST_PRODUCTION = "request-production";
  public static final String WAIT_CARD_PRODUCED = "wait-card-produced";
  public static final String PRODUCTION_OVERDUE_TIMER = "production-overdue";
  public static final String ALERT_PRODUCTION_OVERDUE = "alert-production-overdue";
  public static final String NOTIFY_CARD_READY = "notify-card-ready";
  public static final String REJECT = "reject-application";
  public static final String END_COMPLETED = "application-completed";
  public static final String END_REJECTED = "application-rejected";

  // job types
  public static final String JOB_REGISTER = "application.register";
  public static final String JOB_REQUEST_PRODUCTION = "card.request-production";
  public static final String JOB_PRODUCTION_OVERDUE = "card.production-overdue";
  public static final String JOB_NOTIFY_CARD_READY = "card.notify-ready";
  public static final String JOB_REJECT = "application.reject";

  // messages
  public static final String MSG_CARD_PRODUCED = "card-produced";

  // variables
  public static final String VAR_REVIEW_DUE_AT = "reviewDueAt";
  public static final String VAR_PRODUCTION_DUE_AT = "productionDueAt";
  public static final String VAR_REVIEW_OUTCOME = "reviewOutcome";
  public static final String VAR_REJECT_REASON = "rejectReason";

  // human task
  public static final String GROUP_VERIFICATION = "verification";
  public static final String FORM_REVIEW = "review-application";

  public static final List<String> JOB_TYPES =
      List.of(JOB_REGISTER, JOB_REQUEST_PRODUCTION, JOB_PRODUCTION_OVERDUE, JOB_NOTIFY_CARD_READY, JOB_REJECT);
  public static final List<String> WAIT_STATES = List.of(REVIEW, WAIT_CARD_PRODUCED);
}
