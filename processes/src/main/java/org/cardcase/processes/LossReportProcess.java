package org.cardcase.processes;

import java.util.List;

/** Element ids, job types, messages and variables of {@code bpmn/provisional-loss-report.bpmn}. */
public final class LossReportProcess {
  private LossReportProcess() {}

  public static final String PROCESS_ID = "provisional-loss-report";
  public static final String RESOURCE = "bpmn/provisional-loss-report.bpmn";

  // elements
  public static final String START = "loss-reported";
  public static final String STOP_SETTLEMENT = "stop-settlement";
  public static final String WAIT_RESOLUTION = "wait-loss-resolution";
  public static final String FORMAL_REPORT_REMINDER_TIMER = "formal-report-reminder";
  public static final String REMIND_FORMAL_REPORT = "remind-formal-report";
  public static final String RESOLUTION = "resolution";
  public static final String RESUME_SETTLEMENT = "resume-settlement";
  public static final String CLOSE_FORMALISED = "close-loss-report";
  public static final String END_WITHDRAWN = "report-withdrawn";
  public static final String END_FORMALISED = "report-formalised";

  // job types
  public static final String JOB_STOP_SETTLEMENT = "loss.stop-settlement";
  public static final String JOB_REMIND_FORMAL_REPORT = "loss.remind-formal-report";
  public static final String JOB_RESUME_SETTLEMENT = "loss.resume-settlement";
  public static final String JOB_CLOSE_FORMALISED = "loss.close-formalised";

  // messages (correlated by caseNumber: the report number)
  public static final String MSG_RESOLVED = "loss-report-resolved";

  // variables
  public static final String VAR_RESOLUTION = "resolution";
  public static final String VAR_FORMAL_REMINDER_AT = "formalReminderAt";
  public static final String VAR_CARD_ID = "cardId";

  // resolutions
  public static final String WITHDRAWN = "WITHDRAWN";
  public static final String FORMALISED = "FORMALISED";

  public static final List<String> JOB_TYPES =
      List.of(JOB_STOP_SETTLEMENT, JOB_REMIND_FORMAL_REPORT, JOB_RESUME_SETTLEMENT, JOB_CLOSE_FORMALISED);
  public static final List<String> WAIT_STATES = List.of(WAIT_RESOLUTION);
}
