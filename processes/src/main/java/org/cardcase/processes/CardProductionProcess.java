package org.cardcase.processes;

import java.util.List;

/**
 * Element ids, job types and variables of {@code bpmn/card-production.bpmn}, the reusable
 * production of a case's card (called by the card application and by the reissue).
 */
public final class CardProductionProcess {
  private CardProductionProcess() {}

  public static final String PROCESS_ID = "card-production";
  public static final String RESOURCE = "bpmn/card-production.bpmn";

  // elements
  public static final String START = "production-requested";
  public static final String REQUEST_PRODUCTION = "request-production";
  public static final String WAIT_CARD_PRODUCED = "wait-card-produced";
  public static final String PRODUCTION_OVERDUE_TIMER = "production-overdue";
  public static final String ALERT_PRODUCTION_OVERDUE = "alert-production-overdue";
  public static final String END_OVERDUE_ALERTED = "overdue-alerted";
  public static final String END_PRODUCED = "card-produced-end";

  // job types
  public static final String JOB_REQUEST_PRODUCTION = "card.request-production";
  public static final String JOB_PRODUCTION_OVERDUE = "card.production-overdue";

  // messages (correlated by caseNumber)
  public static final String MSG_CARD_PRODUCED = "card-produced";

  // variables
  public static final String VAR_PRODUCTION_DUE_AT = "productionDueAt";
  public static final String VAR_CARD_NUMBER = "cardNumber";

  public static final String GROUP_SUPERVISORS = "supervisors";
  public static final String FORM_PRODUCTION_OVERDUE = "production-overdue";

  public static final List<String> JOB_TYPES = List.of(JOB_REQUEST_PRODUCTION, JOB_PRODUCTION_OVERDUE);
  public static final List<String> WAIT_STATES = List.of(WAIT_CARD_PRODUCED);
}
