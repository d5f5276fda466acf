package org.cardcase.reissue;

import java.util.Map;
import org.cardcase.audit.AuditTrail;
import org.cardcase.incidents.Incidents;
import org.springframework.stereotype.Component;

/**
 * A cancelled reissue ends its pickup certificate: it is no medical voucher any more (REVOKED, with the reason, which
 * hospitals, the counter and a reprint show). Runs in the transaction that cancels the case.
 */
@Component
class VoucherRevocation implements Incidents.CaseCancelled {
  private final Vouchers vouchers;
  private final AuditTrail audit;

  VoucherRevocation(Vouchers vouchers, AuditTrail audit) {
    this.vouchers = vouchers;
    this.audit = audit;
  }

  @Override
  public void cancelled(String caseNumber, String actor, String reason) {
    vouchers.ofCase(caseNumber).ifPresent(v -> {
      String why = "reissue cancelled: " + reason;
      if (vouchers.revoke(v.number(), why)) {
        audit.append(AuditTrail.ofCase(caseNumber), "voucher-revoked", actor, null, "VOUCHER_ENDED",
            Map.of("certificate", v.number(), "state", Vouchers.State.REVOKED.name(), "reason", why));
      }
    });
  }
}
