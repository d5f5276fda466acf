package org.cardcase.flow;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs before the web server opens: deploys the models, gives the engine back every open case it
 * does not know (an in-process engine after a restart knows none), starts cases that were stored
 * but never started, and only then opens the job workers.
 */
@Component
public class Recovery implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);
  private final ProcessCatalog catalog;
  private final ProcessLinks links;
  private final ProcessStarter starter;
  private final JobWorkers workers;
  private final MessageInbox inbox;
  private volatile boolean running;

  public Recovery(ProcessCatalog catalog, ProcessLinks links, ProcessStarter starter, JobWorkers workers, MessageInbox inbox) {
    this.inbox = inbox;
    this.catalog = catalog;
    this.links = links;
    this.starter = starter;
    this.workers = workers;
  }

  @Override
  public void start() {
    long t0 = System.nanoTime();
    catalog.deployAll();
    // Ask about every case before creating any instance: keys restart in a fresh engine, so a new
    // instance could otherwise answer for an old key.
    List<ProcessLink> lost = links.open().stream().filter(l -> !starter.engineKnows(l)).toList();
    for (ProcessLink link : lost) {
      try {
        starter.resume(link);
      } catch (RuntimeException e) {
        log.error("could not resume case {} at {}: {}", link.caseNumber(), link.waitElement(), e.getMessage());
      }
    }
    int started = startUnstarted();
    workers.openAll();
    running = true;
    log.info("recovery: {} case(s) resumed, {} started, in {} ms", lost.size(), started, (System.nanoTime() - t0) / 1_000_000);
  }

  /** Cases stored but not started (the start failed, or the JVM died right after storing). */
  @Scheduled(fixedDelayString = "${cardcase.recovery.sweep-interval:10s}", initialDelayString = "${cardcase.recovery.sweep-interval:10s}")
  public int startUnstarted() {
    int n = 0;
    for (String caseNumber : links.unstarted()) {
      if (starter.start(caseNumber)) {
        n++;
      }
    }
    // and messages whose publish never reached the engine
    inbox.publishPending();
    return n;
  }

  @Override
  public void stop() {
    workers.close();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return 0; // before the web server (which starts in the last phases)
  }
}
