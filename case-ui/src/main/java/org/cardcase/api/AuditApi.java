package org.cardcase.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.CaseRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** A case's audit trail and the check of its hash chain, for supervisors and administrators. */
@RestController
public class AuditApi {
  private final AuditTrail audit;
  private final CaseRepository cases;

  public AuditApi(AuditTrail audit, CaseRepository cases) {
    this.audit = audit;
    this.cases = cases;
  }

  @GetMapping("/api/audit/cases/{caseNumber}")
  List<AuditTrail.Entry> entries(@PathVariable String caseNumber, HttpServletRequest req) {
    ApiRequests.caseNumber(req, caseNumber);
    cases.find(caseNumber).orElseThrow(() -> new CaseNotFound(caseNumber));
    return audit.entries(AuditTrail.ofCase(caseNumber));
  }

  @GetMapping("/api/audit/cases/{caseNumber}/verify")
  AuditTrail.Verification verify(@PathVariable String caseNumber, HttpServletRequest req) {
    ApiRequests.caseNumber(req, caseNumber);
    cases.find(caseNumber).orElseThrow(() -> new CaseNotFound(caseNumber));
    return audit.verify(AuditTrail.ofCase(caseNumber));
  }
}
