package org.cardcase.cards;

import java.util.Map;
import java.util.UUID;
import org.cardcase.audit.AuditTrail;
import org.cardcase.shared.Channels;
import org.cardcase.shared.Masking;
import org.springframework.stereotype.Service;

/**
 * The medical insurance number lookup (guide 004: the number is the person's one identifier and
 * stays the same on a reissue). In full only to a channel that has authenticated the citizen;
 * masked otherwise. Every lookup is in the audit trail of the case that issued the card.
 */
@Service
public class MedicalInsuranceNumbers {
  public record Lookup(String holderName, String medicalInsuranceNumber, boolean full, String authenticatedBy,
      String cardState) {}

  private final CardLifecycle cards;
  private final AuditTrail audit;

  public MedicalInsuranceNumbers(CardLifecycle cards, AuditTrail audit) {
    this.cards = cards;
    this.audit = audit;
  }

  /** {@code idNumber} already checked; throws {@link CardNotFound} when the person has no number yet. */
  public Lookup lookup(String idNumber, String channel, String authenticatedBy) {
    String method = Channels.authentication(channel, authenticatedBy);
    Card card = cards.withMedicalInsuranceNumber(idNumber)
        .orElseThrow(() -> new CardNotFound("with a medical insurance number for this ID number"));
    boolean full = method != null;
    audit.append(AuditTrail.ofCase(card.caseNumber()), "number-lookup:" + UUID.randomUUID(), channel, channel,
        "NUMBER_LOOKED_UP", Map.of("full", full, "authenticatedBy", method == null ? "NONE" : method));
    return new Lookup(Masking.name(card.holderName()),
        full ? card.medicalInsuranceNumber() : Masking.cardNumber(card.medicalInsuranceNumber()), full,
        method == null ? "NONE" : method, card.state().name());
  }
}
