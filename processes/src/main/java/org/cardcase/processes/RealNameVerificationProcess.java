package org.cardcase.processes;

import java.util.List;

/**
 * Element ids, job types and variables of {@code bpmn/real-name-verification.bpmn}, the reusable
 * verification every process that needs a verified person calls (call activity).
 */
public final class RealNameVerificationProcess {
  private RealNameVerificationProcess() {}

  public static final String PROCESS_ID = "real-name-verification";
  public static final String RESOURCE = "bpmn/real-name-verification.bpmn";

  // elements
  public static final String START = "verification-started";
  public static final String CHECK_DOCUMENTS = "check-documents";
  public static final String DOCUMENTS_OK = "documents-ok";
  public static final String QUERY_REGISTRY = "query-registry";
  public static final String REGISTRY_DECISION = "registry-decision";
  public static final String COMPARE_PHOTOS = "compare-photos";
  public static final String RECORD_OUTCOME = "record-verification";
  public static final String END = "verification-done";

  // job types
  public static final String JOB_CHECK_DOCUMENTS = "verification.check-documents";
  public static final String JOB_QUERY_REGISTRY = "verification.query-registry";
  public static final String JOB_RECORD_OUTCOME = "verification.record-outcome";

  // variables
  public static final String VAR_DOCUMENTS_OK = "documentsOk";
  public static final String VAR_OUTCOME = "verificationOutcome";
  public static final String VAR_REASON = "verificationReason";
  public static final String VAR_PHOTO_DECISION = "photoDecision";
  public static final String VAR_DECISION_REASON = "decisionReason";
  public static final String VAR_PHOTO_SIMILARITY = "photoSimilarity";

  // outcomes
  public static final String VERIFIED = "VERIFIED";
  public static final String REJECTED = "REJECTED";
  public static final String INCONCLUSIVE = "INCONCLUSIVE";
  public static final String NEW_PHOTO_REQUESTED = "NEW_PHOTO_REQUESTED";

  // the clerk's decision in compare-photos
  public static final String DECISION_APPROVE = "APPROVE";
  public static final String DECISION_REJECT = "REJECT";
  public static final String DECISION_NEW_PHOTO = "REQUEST_NEW_PHOTO";

  public static final String GROUP_VERIFICATION = "verification";
  public static final String FORM_COMPARE_PHOTOS = "compare-photos";

  public static final List<String> JOB_TYPES = List.of(JOB_CHECK_DOCUMENTS, JOB_QUERY_REGISTRY, JOB_RECORD_OUTCOME);
  public static final List<String> WAIT_STATES = List.of(COMPARE_PHOTOS);
}
