package org.cardcase.tasks;

/** What became of a completion: stored always; taken by the engine now, or when it is back. */
public record TaskCompletion(HumanTask task, boolean caseContinued) {}
