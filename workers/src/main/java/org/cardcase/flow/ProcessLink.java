package org.cardcase.flow;

import java.util.Map;

/**
 * Where a case is in its process instance, as PostgreSQL remembers it (table process_link), and the
 * kept version of its process model it runs on (null: not started yet).
 */
public record ProcessLink(
    String caseNumber, String bpmnProcessId, Long processInstanceKey, String waitElement, int waitSeq,
    Map<String, Object> variables, boolean ended, long engineGeneration, String startToken, Integer modelVersion) {}
