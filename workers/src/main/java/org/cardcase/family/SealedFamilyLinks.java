package org.cardcase.family;

import java.util.Map;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.privacy.PlainRows;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The family links' sealed people ({@code family_link.personal}) and how rows of an earlier version are encrypted. */
@Component
public class SealedFamilyLinks extends PlainRows {
  public SealedFamilyLinks(JdbcClient jdbc, PersonalFields personal) {
    super(jdbc, personal, FamilyBindings.TABLE, "personal", "id", "id::text",
        Map.of("holder_id_number", "holderIdNumber", "member_id_number", "memberIdNumber", "member_name", "memberName"), null,
        Map.of("holder_bidx", "holder_id_number", "member_bidx", "member_id_number"), "");
  }
}
