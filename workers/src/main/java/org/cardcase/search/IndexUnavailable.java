package org.cardcase.search;

/** The read model did not answer; what was read from it cannot be shown (nothing else is affected). */
public class IndexUnavailable extends RuntimeException {
  IndexUnavailable(Throwable cause) {
    super("the search index did not answer: " + cause.getMessage(), cause);
  }
}
