package org.cardcase.documents;

import java.util.Map;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.privacy.PlainRows;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The documents' sealed bytes ({@code case_document.bytes_sealed}) and how rows of an earlier version are encrypted. */
@Component
public class SealedDocuments extends PlainRows {
  public SealedDocuments(JdbcClient jdbc, PersonalFields personal) {
    super(jdbc, personal, CaseDocuments.TABLE, "bytes_sealed", "id", "case_number || '/' || kind || '/' || version", Map.of(), "bytes",
        Map.of(), "");
  }
}
