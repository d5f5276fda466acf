package org.cardcase.tasks;

/** No task by that id. */
public class TaskNotFound extends RuntimeException {
  public TaskNotFound(long id) {
    super("no task " + id);
  }
}
