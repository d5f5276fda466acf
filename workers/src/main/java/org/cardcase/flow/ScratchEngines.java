package org.cardcase.flow;

import io.camunda.client.CamundaClient;

/**
 * Throwaway engines for trying a model out: each starts empty, runs only what it is given, and is
 * gone when closed; nothing it does reaches the running cases. The application wires the real one
 * (an in-process engine of its own).
 */
public interface ScratchEngines {

  Scratch open();

  /** One scratch engine and a client of it. */
  interface Scratch extends AutoCloseable {
    CamundaClient client();

    @Override
    void close();

    /** A scratch engine given by its client and what stops it. */
    static Scratch of(CamundaClient client, Runnable stop) {
      return new Scratch() {
        @Override
        public CamundaClient client() {
          return client;
        }

        @Override
        public void close() {
          stop.run();
        }
      };
    }
  }
}
