package org.cardcase.security;

import java.util.List;

/** A production start refused: everything unsafe that was found, in one message. */
public class UnsafeInstallation extends RuntimeException {
  private final transient List<ProductionSettings.Finding> findings;

  public UnsafeInstallation(List<ProductionSettings.Finding> findings) {
    super(ProductionSettings.describe(findings));
    this.findings = List.copyOf(findings);
  }

  public List<ProductionSettings.Finding> findings() {
    return findings;
  }
}
