package org.cardcase.processes;

import java.util.List;

/** Element ids, job types, messages and variables of {@code bpmn/card-application.bpmn}. */
public final class CardApplicationProcess {
  private CardApplicationProcess() {}

  public static final String PROCESS_ID = "card-application";
  public static final String RESOURCE = "bpmn/card-application.bpmn";

  // elements
  public static final String START = "application-received";
  public static final String REGISTER = "register-application";
  public static final String VERIFY_IDENTITY = "verify-identity";
  public static final String VERIFICATION_DECISION = "verification-decision";
  public static final String NOTIFY_REJECTION = "notify-rejection";
  public static final String WAIT_RESUBMISSION = "wait-resubmission";
  public static final String RESUBMISSION_EXPIRED = "resubmission-expired";
  public static final String REJECT = "reject-application";
  /** Call activity: {@link CardProductionProcess}. */
  public static final String PRODUCE_CARD = "produce-card";
  public static final String NOTIFY_CARD_READY = "notify-card-ready";
  public static final String WAIT_CARD_ACTIVATED = "wait-card-activated";
  public static final String COLLECTION_REMINDER_TIMER = "collection-reminder-due";
  public static final String COLLECTION_FINAL_TIMER = "collection-final-deadline";
  public static final String SEND_COLLECTION_REMINDER = "send-collection-reminder";
  public static final String ESCALATE_UNCOLLECTED = "escalate-uncollected";
  /** Waits for the supervisor's decision on the uncollected card (the alert task's completion, sent as a message). */
  public static final String WAIT_UNCOLLECTED_DECISION = "wait-uncollected-decision";
  public static final String ACTIVATED_WHILE_DECIDING = "activated-while-deciding";
  public static final String UNCOLLECTED_ACTION = "uncollected-action";
  public static final String CANCEL_UNCOLLECTED = "cancel-uncollected-card";
  public static final String EXTEND_COLLECTION = "extend-collection";
  public static final String ACTIVATE_CARD = "activate-card";
  public static final String END_COMPLETED = "application-completed";
  public static final String END_REJECTED = "application-rejected";
  public static final String END_UNCOLLECTED = "card-uncollected";

  // job types
  public static final String JOB_REGISTER = "application.register";
  public static final String JOB_NOTIFY_REJECTION = "application.notify-rejection";
  public static final String JOB_REJECT = "application.reject";
  public static final String JOB_NOTIFY_CARD_READY = "card.notify-ready";
  public static final String JOB_REMIND_COLLECTION = "card.remind-collection";
  public static final String JOB_ESCALATE_UNCOLLECTED = "card.escalate-uncollected";
  public static final String JOB_ACTIVATE_CARD = "card.activate";
  public static final String JOB_CANCEL_UNCOLLECTED = "card.cancel-uncollected";
  public static final String JOB_EXTEND_COLLECTION = "card.extend-collection";

  // messages (all correlated by caseNumber)
  public static final String MSG_RESUBMITTED = "application-resubmitted";
  public static final String MSG_CARD_ACTIVATED = "card-activated";
  /** The supervisor's decision on an uncollected card: {@link #VAR_UNCOLLECTED_ACTION}. */
  public static final String MSG_UNCOLLECTED_DECIDED = "uncollected-decided";

  // variables: deadlines are absolute instants (ISO-8601), computed with the working-day calendar
  public static final String VAR_REVIEW_DUE_AT = "reviewDueAt";
  public static final String VAR_RESUBMISSION_DUE_AT = "resubmissionDueAt";
  public static final String VAR_COLLECTION_REMINDER_AT = "collectionReminderAt";
  public static final String VAR_COLLECTION_FINAL_DUE_AT = "collectionFinalDueAt";
  /** CANCEL (cancel the card) or CONTACTED (the citizen will collect: the wait is extended). */
  public static final String VAR_UNCOLLECTED_ACTION = "uncollectedAction";
  /** When the supervisor decided: the extended wait counts from then, also for a redelivered step. */
  public static final String VAR_UNCOLLECTED_DECIDED_AT = "uncollectedDecidedAt";

  // supervisor alerts (task-store tasks without a job) and their forms
  public static final String GROUP_SUPERVISORS = "supervisors";
  public static final String FORM_CARD_UNCOLLECTED = "card-uncollected";

  public static final List<String> JOB_TYPES = List.of(JOB_REGISTER, JOB_NOTIFY_REJECTION, JOB_REJECT,
      JOB_NOTIFY_CARD_READY, JOB_REMIND_COLLECTION, JOB_ESCALATE_UNCOLLECTED, JOB_ACTIVATE_CARD,
      JOB_CANCEL_UNCOLLECTED, JOB_EXTEND_COLLECTION);
  public static final List<String> WAIT_STATES = List.of(WAIT_RESUBMISSION, WAIT_CARD_ACTIVATED, WAIT_UNCOLLECTED_DECISION);
  public static final List<String> MESSAGES = List.of(MSG_RESUBMITTED, MSG_CARD_ACTIVATED, MSG_UNCOLLECTED_DECIDED);
}
