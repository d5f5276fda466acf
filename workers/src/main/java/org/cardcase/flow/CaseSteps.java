package org.cardcase.flow;

/**
 * The one thing the engine glue tells the cases: which step a case entered. The cases implement it,
 * so the engine glue never imports them (it sits below them).
 */
public interface CaseSteps {
  void entered(String caseNumber, String step);
}
