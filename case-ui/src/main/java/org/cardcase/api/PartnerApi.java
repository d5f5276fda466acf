package org.cardcase.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.CaseRepository;
import org.cardcase.shared.FieldErrors;
import org.cardcase.flow.MessageInbox;
import org.cardcase.processes.CardApplicationProcess;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Callbacks from the provincial card centre and the banks. Duplicates are answered, not repeated. */
@RestController
public class PartnerApi {
  private final MessageInbox inbox;
  private final CaseRepository cases;

  private final org.cardcase.application.CardApplications applications;

  public PartnerApi(MessageInbox inbox, CaseRepository cases, org.cardcase.application.CardApplications applications) {
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
    cases.find(body.caseNumber()).orElseThrow(() -> new CaseNotFound(body.caseNumber()));
    Map<String, Object> vars = new LinkedHashMap<>();
    if (body.cardNumber() != null) {
      vars.put("cardNumber", body.cardNumber());
    }
    boolean first = inbox.receive("card-produced:" + body.callbackId(), org.cardcase.processes.CardProductionProcess.MSG_CARD_PRODUCED,
        body.caseNumber(), req.getUserPrincipal().getName(), vars);
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
    cases.find(body.caseNumber()).orElseThrow(() -> new CaseNotFound(body.caseNumber()));
    applications.checkActivatable(body.caseNumber(), body.callbackId(), body.branch().strip(), req.getUserPrincipal().getName());
    boolean first = inbox.receive("card-activated:" + body.callbackId(), CardApplicationProcess.MSG_CARD_ACTIVATED,
        body.caseNumber(), req.getUserPrincipal().getName(), Map.of("branch", body.branch().strip()));
    return Map.of("accepted", true, "duplicate", !first);
  }
}
