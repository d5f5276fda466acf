package org.cardcase.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a refused production start as Spring Boot's "APPLICATION FAILED TO START" report, without a stack trace. */
public class UnsafeInstallationAnalyzer extends AbstractFailureAnalyzer<UnsafeInstallation> {
  @Override
  protected FailureAnalysis analyze(Throwable root, UnsafeInstallation cause) {
    return new FailureAnalysis(cause.getMessage(),
        "Change the settings above (application.properties next to the jar, --name=value arguments or environment "
            + "variables such as CARDCASE_MODE) and start again. To try CardCase on this machine, run the demo: "
            + "./cardcase run without cardcase.mode=production.", cause);
  }
}
