package org.cardcase.casefile;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.flow.ProcessCatalog;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.tasks.HumanTask;
import org.cardcase.tasks.TaskStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One case as people look at it: the record, its process and step, open tasks, the card and the
 * deadlines with working days left. The channel API, the progress lookup and the case view all read
 * it from here, so they never disagree about a case. It owns no table; it reads through the owners.
 */
@Service
public class CaseFiles {
  private final CaseRepository cases;
  private final ProcessLinks links;
  private final ProcessCatalog catalog;
  private final TaskStore tasks;
  private final CardLifecycle cards;
  private final CaseDeadlines deadlines;
  private final AuditTrail audit;
  private final TransactionTemplate tx;

  public CaseFiles(CaseRepository cases, ProcessLinks links, ProcessCatalog catalog, TaskStore tasks, CardLifecycle cards,
      CaseDeadlines deadlines, AuditTrail audit, TransactionTemplate tx) {
    this.tx = tx;
    this.cases = cases;
    this.links = links;
    this.catalog = catalog;
    this.tasks = tasks;
    this.cards = cards;
    this.deadlines = deadlines;
    this.audit = audit;
  }

  /** An open human task of the case, with its step's name from the model. */
  public record OpenTask(HumanTask task, String stepName) {}

  /**
   * A deadline with the working days left (negative: overdue); {@code running} when the step the
   * case waits at now reads it (a timer there, or an open task's due date), not one of a step passed.
   */
  public record DueDate(CaseDeadlines.Deadline deadline, int workingDaysLeft, boolean running) {}

  public record CaseFile(CaseRecord record, String processId, String currentStepName, List<OpenTask> openTasks,
      Optional<Card> card, List<DueDate> deadlines) {
    public boolean closed() {
      return record.closedAt() != null;
    }
  }

  /** Whether the case exists, without assembling its file. */
  public boolean exists(String caseNumber) {
    return cases.find(caseNumber).isPresent();
  }

  public Optional<CaseFile> find(String caseNumber) {
    return cases.find(caseNumber).map(this::assemble);
  }

  private CaseFile assemble(CaseRecord c) {
    String process = links.find(c.caseNumber()).map(l -> l.bpmnProcessId()).orElse("");
    List<OpenTask> open = tasks.open(c.caseNumber()).stream()
        .map(t -> new OpenTask(t, catalog.stepName(process, t.elementId()))).toList();
    // a closed case has nothing due any more
    Set<String> timers = catalog.timerVariablesOfStep(c.currentStep());
    Set<Instant> taskDue = open.stream().map(t -> t.task().dueAt()).filter(Objects::nonNull)
        .collect(Collectors.toSet());
    List<DueDate> due = c.closedAt() != null ? List.of() : deadlines.of(c.caseNumber()).stream()
        .map(d -> new DueDate(d, deadlines.workingDaysLeft(d.dueAt()), timers.contains(d.name()) || taskDue.contains(d.dueAt())))
        .toList();
    return new CaseFile(c, process, catalog.stepName(process, c.currentStep()), open, cards.byCase(c.caseNumber()), due);
  }

  /** Records that a person looked at the case file (masked), then returns it. */
  public Optional<CaseFile> view(String caseNumber, String viewer, String channel) {
    return tx.execute(status -> {
      Optional<CaseFile> file = find(caseNumber);
      file.ifPresent(f -> audit.append(AuditTrail.ofCase(caseNumber), "viewed:" + UUID.randomUUID(), viewer, channel,
          "CASE_VIEWED", Map.of("masked", true)));
      return file;
    });
  }

  /** The case's audit trail, oldest first. */
  public List<AuditTrail.Entry> trail(String caseNumber) {
    return audit.entries(AuditTrail.ofCase(caseNumber));
  }

  /**
   * Who looked at the case (views, personal data and documents shown, lookups, refused looks, the
   * citizen's own copies), oldest first: the case's trail without its changes.
   */
  public List<AuditTrail.Entry> looks(String caseNumber) {
    return trail(caseNumber).stream().filter(e -> CaseAccess.LOOKING.contains(e.action())).toList();
  }

  /** One of a person's cases as the person's progress list shows it. */
  public record CaseSummary(String caseNumber, String caseType, CaseStatus status, String currentStep,
      Instant openedAt, boolean closed) {}

  /**
   * Every case of the person the proof is about (no case number needed: the channel proved it
   * authenticated them), newest first; each case listed is audited with the assertion's id.
   */
  public List<CaseSummary> casesOf(CitizenAssertions.Proof person) {
    return filesOf(person, person.channel()).stream().map(f -> new CaseSummary(f.record().caseNumber(), f.record().caseType(),
        f.record().status(), f.record().currentStep(), f.record().createdAt(), f.closed())).toList();
  }

  /**
   * The files of every case of the person the proof is about (no case number needed), newest first:
   * with their deadlines ahead and card, for a progress list. Each case listed is audited as looked
   * up by {@code actor} (the channel, or the counter clerk), with how the person was authenticated.
   */
  public List<CaseFile> filesOf(CitizenAssertions.Proof person, String actor) {
    return tx.execute(status -> {
      List<CaseFile> out = cases.findAll(cases.caseNumbersOf(person.idNumber())).stream()
          .sorted(Comparator.comparing(CaseRecord::createdAt).reversed()).map(this::assemble).toList();
      String lookup = UUID.randomUUID().toString();
      out.forEach(f -> audit.append(AuditTrail.ofCase(f.record().caseNumber()), "progress-list:" + lookup, actor, person.channel(),
          "PROGRESS_LOOKED_UP", person.auditDetail()));
      return out;
    });
  }
}
