package org.cardcase.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.cardcase.access.SignInGuard;
import org.cardcase.audit.AuditAnchors;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.Calendars;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.Cases;
import org.cardcase.search.CaseSearches;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** A case's audit trail and the check of its hash chain, for supervisors and administrators. */
@RestController
public class AuditApi {
  private final AuditTrail audit;
  private final Cases cases;
  private final AuditAnchors anchors;

  public AuditApi(AuditTrail audit, Cases cases, AuditAnchors anchors) {
    this.audit = audit;
    this.cases = cases;
    this.anchors = anchors;
  }

  /** Checks every anchor of the whole trail now (as the nightly check does); the outcome also goes to health. */
  @GetMapping("/api/audit/anchors/check")
  AuditAnchors.Check checkAnchors() {
    return anchors.check();
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

  /** A card's own trail: every state it went through, across the cases that touched it. */
  @GetMapping("/api/audit/cards/{cardId}")
  List<AuditTrail.Entry> card(@PathVariable String cardId) {
    return audit.entries(CardLifecycle.subject(cardId));
  }

  /** Who added or corrected a year of the working-day calendar, when and why. */
  @GetMapping("/api/audit/calendar/{year}")
  List<AuditTrail.Entry> calendarYear(@PathVariable int year) {
    return audit.entries(Calendars.subject(year));
  }

  /** What a staff member searched for (queries masked), newest last. */
  @GetMapping("/api/audit/searches/{name}")
  List<AuditTrail.Entry> searches(@PathVariable String name) {
    return audit.entries(CaseSearches.subject(name));
  }

  /** A staff account's or a channel's sign-in trail: locks, throttles, unlocks. */
  @GetMapping("/api/audit/accounts/{name}")
  List<AuditTrail.Entry> account(@PathVariable String name) {
    return audit.entries(SignInGuard.subject(name));
  }
}
