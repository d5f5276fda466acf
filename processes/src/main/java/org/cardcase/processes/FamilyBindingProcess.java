package org.cardcase.processes;

import java.util.List;

/** Element ids, job types and variables of {@code bpmn/family-binding.bpmn}. */
public final class FamilyBindingProcess {
  private FamilyBindingProcess() {}

  public static final String PROCESS_ID = "family-binding";
  public static final String RESOURCE = "bpmn/family-binding.bpmn";

  // elements
  public static final String START = "binding-requested";
  public static final String CHECK = "check-family-binding";
  public static final String ALLOWED = "binding-allowed";
  public static final String LINK = "create-family-link";
  public static final String REFUSE = "refuse-family-binding";
  public static final String END_LINKED = "binding-linked";
  public static final String END_REFUSED = "binding-refused";

  // job types
  public static final String JOB_CHECK = "family.check";
  public static final String JOB_LINK = "family.link";
  public static final String JOB_REFUSE = "family.refuse";

  // variables
  public static final String VAR_ALLOWED = "bindingAllowed";
  public static final String VAR_REFUSAL = "refusalReason";

  public static final List<String> JOB_TYPES = List.of(JOB_CHECK, JOB_LINK, JOB_REFUSE);
  public static final List<String> WAIT_STATES = List.of();
}
