package org.cardcase.cards;

import java.util.Map;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.privacy.PlainRows;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The cards' sealed holder fields ({@code card.personal}) and how rows of an earlier version are encrypted. */
@Component
public class SealedCards extends PlainRows {
  public SealedCards(JdbcClient jdbc, PersonalFields personal) {
    super(jdbc, personal, CardLifecycle.TABLE, "personal", "card_id", "card_id",
        Map.of("holder_id_number", "holderIdNumber", "holder_name", "holderName", "medical_insurance_number", "medicalInsuranceNumber"),
        null, Map.of("holder_bidx", "holder_id_number"),
        ", medical_insurance_number_masked = coalesce(medical_insurance_number_masked, case when medical_insurance_number is null "
            + "then null else repeat('*', length(medical_insurance_number) - 4) || right(medical_insurance_number, 4) end)");
  }
}
