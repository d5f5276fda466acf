package org.cardcase.reissue;

import java.util.Map;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.privacy.PlainRows;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The vouchers' sealed holder fields ({@code voucher.personal}) and how rows of an earlier version are encrypted. */
@Component
public class SealedVouchers extends PlainRows {
  public SealedVouchers(JdbcClient jdbc, PersonalFields personal) {
    super(jdbc, personal, Vouchers.TABLE, "personal", "number", "number",
        Map.of("holder_id_number", "holderIdNumber", "holder_name", "holderName"), null, Map.of("holder_bidx", "holder_id_number"), "");
  }
}
