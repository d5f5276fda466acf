package org.cardcase.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.reissue.VoucherPrints;
import org.cardcase.shared.Channels;
import org.cardcase.shared.FieldErrors;
import org.cardcase.childcard.ChildCards;
import org.cardcase.family.FamilyBindings;
import org.cardcase.loss.LossReports;
import org.cardcase.shared.Masking;
import org.cardcase.reissue.Reissues;
import org.cardcase.reissue.Vouchers;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The channel API for the services after a card exists: loss reports, reissue with its pickup
 * certificate (and the hospitals' voucher check), family binding and the child e-card.
 */
@RestController
public class ServiceRequestsApi {
  private final LossReports lossReports;
  private final Reissues reissues;
  private final Vouchers vouchers;
  private final FamilyBindings families;
  private final ChildCards childCards;
  private final VoucherPrints voucherPrints;
  private final CitizenAssertions assertions;

  public ServiceRequestsApi(LossReports lossReports, Reissues reissues, Vouchers vouchers, FamilyBindings families,
      ChildCards childCards, VoucherPrints voucherPrints, CitizenAssertions assertions) {
    this.assertions = assertions;
    this.voucherPrints = voucherPrints;
    this.lossReports = lossReports;
    this.reissues = reissues;
    this.vouchers = vouchers;
    this.families = families;
    this.childCards = childCards;
  }

  // ---- loss reports ----

  @PostMapping(path = "/api/loss-reports", consumes = "application/json")
  ResponseEntity<LossReports.Reported> reportLoss(@RequestBody LossReports.Report body, Principal channel, HttpServletRequest req) {
    LossReports.Reported r = lossReports.report(body, channel.getName());
    ApiRequests.caseNumber(req, r.reportNumber());
    return ResponseEntity.created(URI.create("/api/cases/" + r.reportNumber())).body(r);
  }

  public record Withdrawal(String idNumber, String reason) {}

  @PostMapping(path = "/api/loss-reports/{reportNumber}/withdrawal", consumes = "application/json")
  Map<String, Object> withdraw(@PathVariable String reportNumber, @RequestBody Withdrawal body, Principal channel,
      HttpServletRequest req) {
    ApiRequests.caseNumber(req, reportNumber);
    lossReports.withdraw(reportNumber, body.idNumber() == null ? "" : body.idNumber().strip().toUpperCase(), body.reason(),
        channel.getName());
    return Map.of("reportNumber", reportNumber, "withdrawn", true);
  }

  // ---- formal loss report and reissue ----

  @PostMapping(path = "/api/reissues", consumes = "application/json")
  ResponseEntity<Reissues.Accepted> reissue(@RequestBody Reissues.Request body, Principal channel, HttpServletRequest req) {
    Reissues.Accepted a = reissues.accept(body, channel.getName());
    ApiRequests.caseNumber(req, a.caseNumber());
    return ResponseEntity.created(URI.create("/api/cases/" + a.caseNumber())).body(a);
  }

  @PostMapping(path = "/api/reissues/{caseNumber}/pickup", consumes = "application/json")
  Map<String, Object> pickUp(@PathVariable String caseNumber, @RequestBody Reissues.Pickup body, Principal channel,
      HttpServletRequest req) {
    ApiRequests.caseNumber(req, caseNumber);
    reissues.pickUp(caseNumber, body, channel.getName());
    return Map.of("caseNumber", caseNumber, "handedOver", true);
  }

  /** For hospitals: is this card pickup certificate a valid temporary medical voucher now? */
  @GetMapping("/api/vouchers/{number}")
  Map<String, Object> voucher(@PathVariable String number) {
    if (!Vouchers.wellFormed(number)) {
      throw FieldErrors.of("number", "not a pickup certificate number (LK followed by 15 digits, last one a check digit)");
    }
    Vouchers.Voucher v = vouchers.find(number).orElseThrow(() -> new CaseNotFound("certificate " + number));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("number", v.number());
    out.put("valid", v.state() == Vouchers.State.VALID);
    out.put("state", v.state());
    out.put("holderName", Masking.name(v.holderName()));
    out.put("holderIdNumber", Masking.idNumber(v.holderIdNumber()));
    out.put("issuedAt", v.issuedAt());
    out.put("pickupDate", v.pickupDate().toString());
    // a date counted into a year whose holiday arrangement is not yet published may still move
    out.put("pickupDateProvisional", v.pickupProvisional());
    out.put("endedAt", v.endedAt());
    out.put("endReason", v.endReason());
    return out;
  }

  /**
   * The printable pickup certificate (PDF) for the counter and the self-service terminal, which
   * print it again for the holder identified by ID number (or card); the holder must match.
   */
  @GetMapping(path = "/api/vouchers/{number}/certificate", produces = "application/pdf")
  ResponseEntity<byte[]> certificate(@PathVariable String number, @RequestParam(defaultValue = "") String idNumber,
      Principal channel) {
    if (!List.of(Channels.COUNTER, Channels.TERMINAL).contains(channel.getName())) {
      throw FieldErrors.of("channel", "the certificate is printed at a counter or a self-service terminal");
    }
    if (!Vouchers.wellFormed(number)) {
      throw FieldErrors.of("number", "not a pickup certificate number (LK followed by 15 digits, last one a check digit)");
    }
    vouchers.find(number).filter(v -> v.holderIdNumber().equalsIgnoreCase(idNumber.strip()))
        .orElseThrow(() -> new CaseNotFound("no certificate matches this number and ID number"));
    byte[] pdf = voucherPrints.print(number, channel.getName(), channel.getName());
    return ResponseEntity.ok().header("Content-Disposition", "inline; filename=\"" + number + ".pdf\"")
        .contentType(MediaType.APPLICATION_PDF).body(pdf);
  }

  // ---- family binding: the holder's own account, so the holder's signed citizen assertion ----

  /** The checked, upper-case 18-character ID number of the person a request is about. */
  private static String citizen(String field, String idNumber, String what) {
    if (idNumber == null || !idNumber.strip().matches("\\d{17}[\\dXx]")) {
      throw FieldErrors.of(field, what + "'s 18-character ID number");
    }
    return idNumber.strip().toUpperCase();
  }

  @PostMapping(path = "/api/family-bindings", consumes = "application/json")
  ResponseEntity<Map<String, Object>> bind(@RequestBody FamilyBindings.Request body,
      @RequestHeader(name = CitizenAssertions.HEADER, required = false) String assertion, Principal channel, HttpServletRequest req) {
    String holder = citizen("holderIdNumber", body.holderIdNumber(), "the holder");
    String cn = families.request(body, channel.getName(), assertions.verify(channel.getName(), assertion, holder));
    ApiRequests.caseNumber(req, cn);
    return ResponseEntity.created(URI.create("/api/cases/" + cn)).body(Map.of("caseNumber", cn, "status", "RECEIVED"));
  }

  @GetMapping("/api/family-bindings")
  List<Map<String, Object>> familyAccount(@RequestParam(defaultValue = "") String holderIdNumber,
      @RequestHeader(name = CitizenAssertions.HEADER, required = false) String assertion, Principal channel) {
    String holder = citizen("holderIdNumber", holderIdNumber, "the holder");
    return families.links(assertions.verify(channel.getName(), assertion, holder)).stream().map(l -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", l.id());
      m.put("memberName", Masking.name(l.memberName()));
      m.put("memberIdNumber", Masking.idNumber(l.memberIdNumber()));
      m.put("relationship", l.relationship());
      m.put("childECard", l.childECard() == null ? null : Masking.cardNumber(l.childECard()));
      m.put("linkedAt", l.createdAt());
      return m;
    }).toList();
  }

  @DeleteMapping("/api/family-bindings/{id}")
  Map<String, Object> unbind(@PathVariable long id, @RequestParam(defaultValue = "") String holderIdNumber,
      @RequestHeader(name = CitizenAssertions.HEADER, required = false) String assertion, Principal channel) {
    String holder = citizen("holderIdNumber", holderIdNumber, "the holder");
    families.remove(id, assertions.verify(channel.getName(), assertion, holder));
    return Map.of("removed", id);
  }

  // ---- child electronic medical insurance card ----

  @GetMapping("/api/child-cards/commitment-letter")
  ChildCards.Letter letter(@RequestParam(defaultValue = "") String parentIdNumber, @RequestParam(defaultValue = "") String parentName,
      @RequestParam(defaultValue = "") String childName, @RequestParam(defaultValue = "") String childIdNumber) {
    return childCards.letter(parentIdNumber, parentName, childName, childIdNumber);
  }

  /**
   * The parent's child e-cards by the parent's ID number, no case number (guide 003), e-card numbers
   * in full: only with the channel's signed citizen assertion about the parent.
   */
  @GetMapping("/api/child-cards")
  List<Map<String, Object>> childCardsOf(@RequestParam(defaultValue = "") String parentIdNumber,
      @RequestHeader(name = CitizenAssertions.HEADER, required = false) String assertion, Principal channel) {
    String parent = citizen("parentIdNumber", parentIdNumber, "the parent");
    return childCards.ofParent(assertions.verify(channel.getName(), assertion, parent)).stream().map(c -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("caseNumber", c.caseNumber());
      m.put("childName", Masking.name(c.childName()));
      m.put("childIdNumber", Masking.idNumber(c.childIdNumber()));
      m.put("status", c.status());
      m.put("eCard", c.eCard());
      m.put("requestedAt", c.requestedAt());
      return m;
    }).toList();
  }

  /**
   * A child e-card application. With the channel's signed citizen assertion about the parent (optional
   * here), verified: the national medical insurance app's real-name login makes the parent verified
   * (guide 003); without one the parent must be verified by this system (a card, or a verified case).
   */
  @PostMapping(path = "/api/child-cards", consumes = "application/json")
  ResponseEntity<Map<String, Object>> childCard(@RequestBody ChildCards.Request body,
      @RequestHeader(name = CitizenAssertions.HEADER, required = false) String assertion, Principal channel, HttpServletRequest req) {
    String cn = assertion == null || assertion.isBlank() ? childCards.request(body, channel.getName())
        : childCards.request(body, channel.getName(), assertions.verify(channel.getName(), assertion,
            citizen("parentIdNumber", body.parentIdNumber(), "the parent")));
    ApiRequests.caseNumber(req, cn);
    return ResponseEntity.created(URI.create("/api/cases/" + cn)).body(Map.of("caseNumber", cn, "status", "RECEIVED"));
  }
}
