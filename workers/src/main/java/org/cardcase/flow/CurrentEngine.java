package org.cardcase.flow;

import org.springframework.stereotype.Component;

/**
 * What the rest of the engine glue needs to know about the engine right now, set by the
 * {@link EngineSupervisor}: which generation holds the instances it starts, and whether it takes
 * commands at all (while it is down or being replaced, requests are not even tried: they would
 * only wait for a timeout, and the sweeper sends them once it is back).
 */
@Component
public class CurrentEngine {
  private volatile long generation;
  private volatile boolean accepting;

  public long generation() {
    return generation;
  }

  public boolean accepting() {
    return accepting;
  }

  void set(long generation, boolean accepting) {
    this.generation = generation;
    this.accepting = accepting;
  }

  void accepting(boolean accepting) {
    this.accepting = accepting;
  }
}
