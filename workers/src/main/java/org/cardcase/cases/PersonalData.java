package org.cardcase.cases;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.cardcase.audit.AuditTrail;
import org.cardcase.documents.CaseDocuments;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Unmasked personal data of a case. Lists and search show it masked; whoever opens it in full
 * leaves an entry in the case's audit trail, written in the same transaction as the read.
 */
@Service
public class PersonalData {
  private final CaseRepository cases;
  private final AuditTrail audit;
  private final CaseDocuments documents;
  private final TransactionTemplate tx;

  public PersonalData(CaseRepository cases, AuditTrail audit, CaseDocuments documents, TransactionTemplate tx) {
    this.tx = tx;
    this.documents = documents;
    this.cases = cases;
    this.audit = audit;
  }

  public Map<String, Object> reveal(String caseNumber, String user, String channel, String reason) {
    return tx.execute(status -> {
      CaseRecord c = cases.get(caseNumber);
      // each look is its own event: two views are two entries
      audit.append(AuditTrail.ofCase(caseNumber), "view:" + UUID.randomUUID(), user, channel, "PERSONAL_DATA_VIEWED",
          Map.of("fields", "applicantName,idNumber,phone", "reason", reason));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("caseNumber", c.caseNumber());
      out.put("applicantName", c.applicantName());
      out.put("idNumber", c.idNumber());
      out.put("sex", c.sex());
      out.put("phone", c.phone());
      return out;
    });
  }

  /** A document's bytes for a person who gave a reason; audited in the same transaction. */
  public byte[] openDocument(String caseNumber, long documentId, String kind, String user, String channel, String reason) {
    return tx.execute(status -> {
      audit.append(AuditTrail.ofCase(caseNumber), "view:" + UUID.randomUUID(), user, channel, "DOCUMENT_VIEWED",
          Map.of("document", documentId, "kind", kind, "reason", reason));
      return documents.bytes(documentId);
    });
  }
}
