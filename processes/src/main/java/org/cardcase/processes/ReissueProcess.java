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
  public static final String HAND_OVER = "hand-over-card";
  public static final String END_COMPLETED = "reissue-completed";
  public static final String END_LATE_ALERTED = "pickup-late-alerted";

  // job types
  public static final String JOB_STOP_OLD_CARD = "reissue.stop-old-card";
  public static final String JOB_PICKUP_LATE = "reissue.pickup-late";
  public static final String JOB_NOTIFY_READY = "reissue.notify-ready";
  public static final String JOB_HAND_OVER = "reissue.hand-over";

  // messages (correlated by caseNumber)
  public static final String MSG_PICKED_UP = "replacement-picked-up";

  // variables
  public static final String VAR_PICKUP_DUE_AT = "pickupDueAt";
  public static final String VAR_OLD_CARD_ID = "oldCardId";

  public static final String GROUP_SUPERVISORS = "supervisors";
  public static final String FORM_PICKUP_LATE = "pickup-late";

  public static final List<String> JOB_TYPES = List.of(JOB_STOP_OLD_CARD, JOB_PICKUP_LATE, JOB_NOTIFY_READY, JOB_HAND_OVER);
  public static final List<String> WAIT_STATES = List.of(WAIT_PICKUP);
}
