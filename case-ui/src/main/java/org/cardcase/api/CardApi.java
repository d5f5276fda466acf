package org.cardcase.api;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardNotFound;
import org.cardcase.cards.CardState;
import org.cardcase.cards.CardTransition;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.Masking;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Staff view of a card and its lifecycle; a supervisor can move a card by hand, with a reason. */
@RestController
public class CardApi {
  private final CardLifecycle cards;

  public CardApi(CardLifecycle cards) {
    this.cards = cards;
  }

  public record TransitionInput(String to, String reason) {}

  @GetMapping("/api/cards/{cardId}")
  Map<String, Object> card(@PathVariable String cardId) {
    Card c = cards.find(cardId).orElseThrow(() -> new CardNotFound(cardId));
    return view(c, cards.history(cardId));
  }

  @PostMapping(path = "/api/cards/{cardId}/transitions", consumes = "application/json")
  Map<String, Object> move(@PathVariable String cardId, @RequestBody TransitionInput body, Principal user) {
    Card c = cards.find(cardId).orElseThrow(() -> new CardNotFound(cardId));
    Map<String, String> errors = new LinkedHashMap<>();
    CardState to = null;
    if (body.to() == null || body.to().isBlank()) {
      errors.put("to", "required; one of " + c.state().next());
    } else {
      try {
        to = CardState.valueOf(body.to().strip().toUpperCase());
      } catch (IllegalArgumentException e) {
        errors.put("to", "unknown card state '" + body.to() + "'; one of " + List.of(CardState.values()));
      }
    }
    if (body.reason() == null || body.reason().isBlank()) {
      errors.put("reason", "say why the card changes state");
    } else if (body.reason().length() > 500) {
      errors.put("reason", "at most 500 characters");
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    // one manual move per request: the request's moment makes the event key
    cards.move(cardId, to, user.getName(), "staff", body.reason().strip(), "manual:" + UUID.randomUUID());
    return card(cardId);
  }

  static Map<String, Object> view(Card c, List<CardTransition> history) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cardId", c.cardId());
    out.put("caseNumber", c.caseNumber());
    out.put("holderName", Masking.name(c.holderName()));
    out.put("holderIdNumber", Masking.idNumber(c.holderIdNumber()));
    out.put("issuingBank", c.issuingBank());
    out.put("cardNumber", c.cardNumber() == null ? null : Masking.cardNumber(c.cardNumber()));
    out.put("medicalInsuranceNumber", c.medicalInsuranceNumber() == null ? null : Masking.cardNumber(c.medicalInsuranceNumber()));
    out.put("state", c.state());
    out.put("settles", c.state().settles());
    out.put("allowedNext", c.state().next());
    out.put("replacesCardId", c.replacesCardId());
    out.put("history", history);
    return out;
  }
}
