package org.cardcase.cards;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.audit.AuditTrail;
import org.cardcase.shared.Channels;
import org.cardcase.shared.Masking;
import org.springframework.stereotype.Service;

/**
 * The medical insurance number lookup (guide 004: the number is the person's one identifier and
 * stays the same on a reissue). In full only with proof that the channel authenticated the citizen
 * (a verified citizen assertion, or this system's own reader in person); masked otherwise. Every
 * lookup is in the audit trail of the case that issued the card, with the assertion's id.
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

  /** The full number of the person the proof is about; throws {@link CardNotFound} when they have no number yet. */
  public Lookup lookup(CitizenAssertions.Proof proof) {
    return answer(proof.idNumber(), proof.channel(), proof.channel(), proof);
  }

  /** As {@link #lookup(CitizenAssertions.Proof)}, audited as looked up by {@code actor} (a counter clerk). */
  public Lookup lookup(CitizenAssertions.Proof proof, String actor) {
    return answer(proof.idNumber(), actor, proof.channel(), proof);
  }

  /** The masked number, for a channel with no proof of the citizen; {@code idNumber} already checked. */
  public Lookup masked(String idNumber, String channel) {
    return answer(idNumber, channel, channel, null);
  }

  /**
   * For trusted in-process callers only, whose own reader authenticated the citizen in person (the
   * self-service terminal's card or ID card reader): {@code authenticatedBy} is believed. The channel
   * API never calls this; it verifies a signed citizen assertion and calls {@link #lookup(CitizenAssertions.Proof)}.
   */
  public Lookup lookup(String idNumber, String channel, String authenticatedBy) {
    String method = Channels.authentication(channel, authenticatedBy);
    return answer(idNumber, channel, channel, method == null ? null : CitizenAssertions.inPerson(channel, idNumber, method));
  }

  private Lookup answer(String idNumber, String actor, String channel, CitizenAssertions.Proof proof) {
    Card card = cards.withMedicalInsuranceNumber(idNumber)
        .orElseThrow(() -> new CardNotFound("with a medical insurance number for this ID number"));
    boolean full = proof != null;
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("full", full);
    detail.put("authenticatedBy", "NONE");
    if (proof != null) {
      detail.putAll(proof.auditDetail());
    }
    audit.append(AuditTrail.ofCase(card.caseNumber()), "number-lookup:" + UUID.randomUUID(), actor, channel,
        "NUMBER_LOOKED_UP", detail);
    return new Lookup(Masking.name(card.holderName()),
        full ? card.medicalInsuranceNumber() : Masking.cardNumber(card.medicalInsuranceNumber()), full,
        (String) detail.get("authenticatedBy"), card.state().name());
  }
}
