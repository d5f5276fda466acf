package org.cardcase.flow;

import java.util.Map;

/** Where a case is in its process instance, as PostgreSQL remembers it (table process_link). */
public record ProcessLink(
    String caseNumber, String bpmnProcessId, Long processInstanceKey, String waitElement, int waitSeq,
    Map<String, Object> variables, boolean ended, long engineGeneration, String startToken) {}
