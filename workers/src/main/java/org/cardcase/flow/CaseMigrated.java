package org.cardcase.flow;

/** A case waiting at an element a new model version drops has been moved to the mapped element of that version. */
public record CaseMigrated(String caseNumber, String fromElement, String toElement, int toVersion) {}
