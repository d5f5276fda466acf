package org.cardcase.processes;

import java.util.List;

/** Element ids, job types, messages and variables of {@code bpmn/card-reissue.bpmn}. */
public final class ReissueProcess {
  private ReissueProcess() {}

  public static final String PROCESS_ID = "card-reissue";
  public static final String RESOURCE = "bpmn/card-reissue.bpmn";

  // elements
  public static final String START = "reissue-accepted";
  public static final String STOP_OLD_CARD = "stop-old-card";
  /** Call activity: {@link CardProductionProcess}. */
  public static final String PRODUCE_REPLACEMENT = "produce-replacement";
  public static final String PICKUP_DATE_PASSED_TIMER = "pickup-date-passed";
  public static final String ALERT_PICKUP_LATE = "alert-pickup-late";
  public static final String NOTIFY_READY = "notify-replacement-ready";
  public static final String WAIT_PICKUP = "wait-pickup";
  public static final String PICKUP_REMINDER_TIMER = "replacement-reminder-due";
  public static final String REMIND_PICKUP = "remind-replacement-pickup";
  public static final String PICKUP_FINAL_TIMER = "replacement-final-deadline";
  /** Ends the voucher and alerts supervisors: the replacement was never collected (like an uncollected new card). */
  public static final String ESCALATE_UNCOLLECTED = "escalate-uncollected-replacement";
  /** The card stays at the counter after the escalation; the citizen can still collect it (no voucher any more). */
  public static final String WAIT_LATE_PICKUP = "wait-late-pickup";
  public static final String HAND_OVER = "hand-over-card";
  public static final String END_COMPLETED = "reissue-completed";
  public static final String END_LATE_ALERTED = "pickup-late-alerted";

  // job types
  public static final String JOB_STOP_OLD_CARD = "reissue.stop-old-card";
  public static final String JOB_PICKUP_LATE = "reissue.pickup-late";
  public static final String JOB_NOTIFY_READY = "reissue.notify-ready";
  public static final String JOB_HAND_OVER = "reissue.hand-over";
  public static final String JOB_REMIND_PICKUP = "reissue.remind-pickup";
  public static final String JOB_ESCALATE_UNCOLLECTED = "reissue.escalate-uncollected";

  // messages (correlated by caseNumber)
  public static final String MSG_PICKED_UP = "replacement-picked-up";

  // variables
  public static final String VAR_PICKUP_DUE_AT = "pickupDueAt";
  public static final String VAR_OLD_CARD_ID = "oldCardId";
  /** Counted from the pickup date (or the day the card was ready, if later), in working days like a new card's. */
  public static final String VAR_PICKUP_REMINDER_AT = "pickupReminderAt";
  public static final String VAR_PICKUP_FINAL_DUE_AT = "pickupFinalDueAt";

  public static final String GROUP_SUPERVISORS = "supervisors";
  public static final String FORM_PICKUP_LATE = "pickup-late";
  public static final String FORM_REPLACEMENT_UNCOLLECTED = "replacement-uncollected";

  public static final List<String> JOB_TYPES = List.of(JOB_STOP_OLD_CARD, JOB_PICKUP_LATE, JOB_NOTIFY_READY, JOB_HAND_OVER,
      JOB_REMIND_PICKUP, JOB_ESCALATE_UNCOLLECTED);
  public static final List<String> WAIT_STATES = List.of(WAIT_PICKUP, WAIT_LATE_PICKUP);
}
