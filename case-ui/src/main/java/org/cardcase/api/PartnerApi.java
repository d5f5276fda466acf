package org.cardcase.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cardcase.access.ChannelClients;
import org.cardcase.application.CardApplications;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.Cases;
import org.cardcase.processes.CardProductionProcess;
import org.cardcase.shared.FieldErrors;
import org.cardcase.flow.MessageInbox;
import org.cardcase.processes.CardApplicationProcess;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Callbacks from the provincial card centre and the banks, each with a client of its own. A bank
 * reports only on the cards it was ordered to make (the case's issuing bank); another's case is
 * answered as unknown. Callback ids are the sender's own: the same id from two partners is two
 * callbacks, the same id again from one is a duplicate, answered and not repeated.
 */
@RestController
public class PartnerApi {
  private final MessageInbox inbox;
  private final Cases cases;

  private final CardApplications applications;
  private final ChannelClients partners;

  public PartnerApi(MessageInbox inbox, Cases cases, CardApplications applications,
      ChannelClients partners) {
    this.partners = partners;
    this.applications = applications;
    this.inbox = inbox;
    this.cases = cases;
  }

  public record CardProduced(String callbackId, String caseNumber, String cardNumber) {}

  @PostMapping(path = "/api/callbacks/card-produced", consumes = "application/json")
  Map<String, Object> cardProduced(@RequestBody CardProduced body, HttpServletRequest req) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (body.callbackId() == null || !body.callbackId().matches("[A-Za-z0-9._:-]{1,100}")) {
      errors.put("callbackId", "required: the sender's unique id of this callback (letters, digits, . _ : -)");
    }
    if (body.caseNumber() == null || body.caseNumber().isBlank()) {
      errors.put("caseNumber", "required");
    }
    if (body.cardNumber() != null && !body.cardNumber().matches("[A-Z0-9]{9}")) {
      errors.put("cardNumber", "a social security card number has 9 letters or digits");
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    ApiRequests.caseNumber(req, body.caseNumber());
    String partner = ownCase(body.caseNumber(), req);
    Map<String, Object> vars = new LinkedHashMap<>();
    if (body.cardNumber() != null) {
      vars.put("cardNumber", body.cardNumber());
    }
    boolean first = inbox.receive("card-produced:" + partner + ":" + body.callbackId(),
        CardProductionProcess.MSG_CARD_PRODUCED, body.caseNumber(), partner, vars);
    return Map.of("accepted", true, "duplicate", !first);
  }

  public record CardActivated(String callbackId, String caseNumber, String branch) {}

  /** The bank branch confirms the card was collected and activated by its holder (ID card checked). */
  @PostMapping(path = "/api/callbacks/card-activated", consumes = "application/json")
  Map<String, Object> cardActivated(@RequestBody CardActivated body, HttpServletRequest req) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (body.callbackId() == null || !body.callbackId().matches("[A-Za-z0-9._:-]{1,100}")) {
      errors.put("callbackId", "required: the sender's unique id of this callback (letters, digits, . _ : -)");
    }
    if (body.caseNumber() == null || body.caseNumber().isBlank()) {
      errors.put("caseNumber", "required");
    }
    if (body.branch() == null || body.branch().isBlank()) {
      errors.put("branch", "required: the branch where the card was handed over");
    } else if (body.branch().length() > 100) {
      errors.put("branch", "at most 100 characters");
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    ApiRequests.caseNumber(req, body.caseNumber());
    String partner = ownCase(body.caseNumber(), req);
    applications.checkActivatable(body.caseNumber(), body.callbackId(), body.branch().strip(), partner);
    boolean first = inbox.receive("card-activated:" + partner + ":" + body.callbackId(), CardApplicationProcess.MSG_CARD_ACTIVATED,
        body.caseNumber(), partner, Map.of("branch", body.branch().strip()));
    return Map.of("accepted", true, "duplicate", !first);
  }

  /** The calling partner, if the case's card is one it may report on; else the case is unknown to it. */
  private String ownCase(String caseNumber, HttpServletRequest req) {
    String partner = req.getUserPrincipal().getName();
    cases.find(caseNumber).filter(c -> partners.mayReport(partner, c.issuingBank()))
        .orElseThrow(() -> new CaseNotFound(caseNumber + " (not among the cards " + partner + " was asked to make)"));
    return partner;
  }
}
