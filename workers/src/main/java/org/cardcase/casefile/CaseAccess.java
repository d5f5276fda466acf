package org.cardcase.casefile;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.cardcase.audit.AuditTrail;
import org.cardcase.tasks.TaskQueue;
import org.cardcase.tasks.TaskStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Who may open a case file (its details, photos and personal data). Work groups separate the work,
 * so they separate the files too: a clerk opens the file of a case that one of their work groups has
 * or had a task in, that they held or completed a task of, or that they acted on themselves (took at
 * a counter, handed over, printed for). Supervisors and administrators open every file; analysts and
 * channels none (channels see their own cases through the API's own rule). Searching stays open to
 * staff: lists show masked values only.
 */
@Service
public class CaseAccess {
  /**
   * Looking is not acting: a clerk who only looked (or was refused) gains nothing by it. These are
   * also the entries a case file's "who looked" and the citizen's own copy list.
   */
  public static final List<String> LOOKING = List.of("CASE_VIEWED", "PERSONAL_DATA_VIEWED", "DOCUMENT_VIEWED", "CASE_VIEW_REFUSED",
      "NUMBER_LOOKED_UP", "CHILD_CARD_LOOKED_UP", "PROGRESS_LOOKED_UP", "FAMILY_LINKS_LOOKED_UP", "CITIZEN_COPY_OBTAINED");

  private final TaskStore tasks;
  private final AuditTrail audit;
  private final TransactionTemplate tx;

  public CaseAccess(TaskStore tasks, AuditTrail audit, TransactionTemplate tx) {
    this.tx = tx;
    this.tasks = tasks;
    this.audit = audit;
  }

  /** Refused: the case exists, but this person's work groups have no part in it. */
  public static class NotYourCase extends RuntimeException {
    public NotYourCase(String caseNumber) {
      super("case " + caseNumber + " is not handled by your work groups; a supervisor can open it");
    }
  }

  public boolean mayOpen(String caseNumber, TaskQueue.Person p) {
    return openable(List.of(caseNumber), p).contains(caseNumber);
  }

  /** Of the given cases, the files this person may open (one query each for a page of hits). */
  public Set<String> openable(Collection<String> caseNumbers, TaskQueue.Person p) {
    if (p.roles().contains("SUPERVISOR") || p.roles().contains("ADMIN")) {
      return new HashSet<>(caseNumbers);
    }
    if (!p.roles().contains("CLERK") || caseNumbers.isEmpty()) {
      return Set.of();
    }
    Set<String> mine = new HashSet<>(tasks.workedOn(caseNumbers, p.name(), p.groups()));
    List<String> rest = caseNumbers.stream().filter(c -> !mine.contains(c)).toList();
    if (!rest.isEmpty()) {
      Set<String> subjects = audit.actedOnBy(p.name(), rest.stream().map(AuditTrail::ofCase).toList(), LOOKING);
      mine.addAll(rest.stream().filter(c -> subjects.contains(AuditTrail.ofCase(c))).collect(Collectors.toSet()));
    }
    return mine;
  }

  /** Passes when the person may open the file; otherwise records the refused attempt and refuses. */
  public void require(String caseNumber, TaskQueue.Person p, String channel) {
    // the refusal's audit entry commits; the exception is thrown after the transaction
    boolean allowed = tx.execute(status -> {
      if (mayOpen(caseNumber, p)) {
        return true;
      }
      audit.append(AuditTrail.ofCase(caseNumber), "refused:" + UUID.randomUUID(), p.name(), channel, "CASE_VIEW_REFUSED",
          Map.of("groups", String.join(",", p.groups())));
      return false;
    });
    if (!allowed) {
      throw new NotYourCase(caseNumber);
    }
  }
}
