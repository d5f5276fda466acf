package org.cardcase.tasks;

import java.util.Map;

/**
 * What a supervisor's decision on an alert task does. Alert tasks are not backed by a job (nothing
 * in the engine waits on them), so the task store calls the decision for the alert's step once the
 * completion is stored, and again from the sweeper until it goes through: implementations must be
 * idempotent by task.
 */
public interface AlertDecision {

  /** The alert task's element id this decision belongs to. */
  String step();

  /** Carries out the decision; an exception leaves it pending and it is tried again. */
  void act(HumanTask task, Map<String, Object> result, String decidedBy);

  /** What a decision does, for {@link #on}. */
  interface Action {
    void act(HumanTask task, Map<String, Object> result, String decidedBy);
  }

  /** The decision for one alert step. */
  static AlertDecision on(String step, Action action) {
    return new AlertDecision() {
      @Override
      public String step() {
        return step;
      }

      @Override
      public void act(HumanTask task, Map<String, Object> result, String decidedBy) {
        action.act(task, result, decidedBy);
      }
    };
  }
}
