package org.cardcase;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;

/** CardCase: social security card case management on Camunda 8 (Zeebe). */
@SpringBootApplication
public class CardCaseApplication {
  private static final Logger log = LoggerFactory.getLogger(CardCaseApplication.class);

  public static void main(String[] args) {
    SpringApplication.run(CardCaseApplication.class, args);
  }

  @EventListener
  void ready(ApplicationReadyEvent e) {
    if (!(e.getApplicationContext() instanceof WebServerApplicationContext web)) {
      return; // a test context without a web server
    }
    int port = web.getWebServer().getPort();
    long ms = e.getTimeTaken() == null ? -1 : e.getTimeTaken().toMillis();
    log.info("CardCase is ready in {} ms: web UI http://localhost:{}/  health http://localhost:{}/actuator/health",
        ms, port, port);
  }
}
