package org.cardcase.cases;

/** How many open cases there are of one type in one status. */
public record OpenCount(String caseType, CaseStatus status, long count) {}
