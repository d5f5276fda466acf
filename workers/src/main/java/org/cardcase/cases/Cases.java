package org.cardcase.cases;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.flow.ProcessStarter;
import org.cardcase.processes.CaseFlow;
import org.cardcase.shared.IdNumber;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Opening cases: stored first (the answer to the channel means "safely stored"), then started. The
 * front door of {@code cases} for other packages and the screens that open a case.
 */
@Service
public class Cases {
  private final CaseRepository cases;
  private final ProcessStarter starter;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final AuditTrail audit;

  public Cases(CaseRepository cases, ProcessStarter starter, TransactionTemplate tx, Clock clock, AuditTrail audit) {
    this.cases = cases;
    this.starter = starter;
    this.tx = tx;
    this.clock = clock;
    this.audit = audit;
  }

  // ---- reading, for the screens and the API ----

  public Optional<CaseRecord> find(String caseNumber) {
    return cases.find(caseNumber);
  }

  /** The case, or {@link CaseNotFound}. */
  public CaseRecord get(String caseNumber) {
    return cases.get(caseNumber);
  }

  /** The cases with these numbers (those that exist). */
  public List<CaseRecord> findAll(List<String> caseNumbers) {
    return cases.findAll(caseNumbers);
  }

  /** The numbers of the cases of the person with this ID number. */
  public List<String> caseNumbersOf(String idNumber) {
    return cases.caseNumbersOf(idNumber);
  }

  /** How many open cases there are of each type, in each status. */
  public List<OpenCount> openCounts() {
    return cases.openCounts();
  }

  /** What a new case is: its type, process and first step, and who it is for. */
  public record NewCase(String caseType, String processId, String firstStep, String channel, String name, String idNumber,
      String sex, String phone, String issuingBank, Map<String, Object> variables, Map<String, Object> receivedDetail) {}

  /**
   * Stores a case with its process start instruction (written once, with every variable given)
   * and its first audit entry, and returns its number. Runs in the caller's transaction if there
   * is one, so what the caller stores with the case commits or rolls back with it; the process is
   * started after the commit. The answer to the channel means "safely stored"; the sweeper starts
   * the process if this start fails.
   */
  public String open(NewCase c) {
    Instant now = clock.instant();
    return tx.execute(s -> {
      String cn = cases.nextCaseNumber(now);
      cases.insert(new CaseRecord(cn, c.caseType(), CaseStatus.RECEIVED, c.firstStep(), c.channel(), c.name(),
          c.idNumber(), c.sex(), c.phone(), c.issuingBank(), now, now, null));
      Map<String, Object> vars = new HashMap<>(c.variables());
      vars.put(CaseFlow.VAR_CASE_NUMBER, cn);
      starter.open(cn, c.processId(), vars);
      Map<String, Object> detail = new HashMap<>(c.receivedDetail());
      detail.put("caseType", c.caseType());
      // at a counter the member of staff who took the case is its first actor, not the channel
      String actor = c.receivedDetail().get("acceptedBy") instanceof String clerk ? clerk : c.channel();
      audit.append(AuditTrail.ofCase(cn), "received", actor, c.channel(), "CASE_RECEIVED", detail);
      return cn;
    });
  }

  /** A case of any other type, for a person identified by a (valid) ID number. */
  public String open(String caseType, String processId, String channel, String name, String idNumber, String phone,
      String issuingBank, Map<String, Object> variables) {
    return open(caseType, processId, channel, null, name, idNumber, phone, issuingBank, variables);
  }

  /** The same, taken by a member of staff at a counter ({@code acceptedBy}, the case's first actor; null for a channel). */
  public String open(String caseType, String processId, String channel, String acceptedBy, String name, String idNumber,
      String phone, String issuingBank, Map<String, Object> variables) {
    String sex = IdNumber.check(idNumber, LocalDate.ofInstant(clock.instant(), WorkingDayCalendar.ZONE)).idNumber().sex().name();
    return open(new NewCase(caseType, processId, "received", channel, name, idNumber, sex, phone, issuingBank, variables,
        acceptedBy == null ? Map.of() : Map.of("acceptedBy", acceptedBy)));
  }
}
