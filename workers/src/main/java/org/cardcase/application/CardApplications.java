package org.cardcase.application;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cardcase.deadlines.DeadlineRules;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.CardState;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.Cases;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.flow.MessageInbox;
import org.cardcase.flow.ProcessLink;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.processes.CardApplicationProcess;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.ReferenceData;
import org.cardcase.shared.UniqueViolations;
import org.cardcase.verification.PopulationRegistry;
import org.cardcase.verification.Verification;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Card applications as channels submit them (online or at a counter), and resubmissions of photos
 * while a case waits for them. Everything is checked before anything is stored.
 */
@Service
public class CardApplications {
  public static final String TYPE_CARD_APPLICATION = "CARD_APPLICATION";

  private final Cases cases;
  private final CaseRepository repository;
  private final ProcessLinks links;
  private final TransactionTemplate tx;
  private final CaseDeadlines caseDeadlines;
  private final CardLifecycle cards;
  private final ReferenceData reference;
  private final CaseDocuments documents;
  private final Verification verification;
  private final MessageInbox inbox;
  private final DeadlineRules deadlines;
  private final Clock clock;
  private final AuditTrail audit;
  private final PopulationRegistry registry;

  public CardApplications(Cases cases, CaseRepository repository, ProcessLinks links, TransactionTemplate tx,
      CaseDeadlines caseDeadlines, CardLifecycle cards, DeadlineRules deadlines, Clock clock, AuditTrail audit,
      ReferenceData reference, CaseDocuments documents, Verification verification, MessageInbox inbox,
      PopulationRegistry registry) {
    this.registry = registry;
    this.cases = cases;
    this.repository = repository;
    this.links = links;
    this.tx = tx;
    this.caseDeadlines = caseDeadlines;
    this.cards = cards;
    this.deadlines = deadlines;
    this.clock = clock;
    this.audit = audit;
    this.reference = reference;
    this.documents = documents;
    this.verification = verification;
    this.inbox = inbox;
  }

  /**
   * Validates and stores a card application with its process start instruction in one
   * transaction, then starts the process. If the start fails or the JVM dies first, the recovery
   * sweeper starts it: the stored case is never stranded.
   */
  public String submit(CardApplication input, String authenticatedChannel) {
    return submit(input, authenticatedChannel, null);
  }

  /** At a counter: {@code clerk} is the signed-in member of staff who took the application (recorded with it and its files). */
  public String submit(CardApplication input, String authenticatedChannel, String clerk) {
    Instant now = clock.instant();
    // every field and every file is checked before anything is stored, and all problems reported at once
    Map<String, String> errors = new LinkedHashMap<>();
    CardApplication checked = null;
    try {
      checked = input.validated(authenticatedChannel, LocalDate.ofInstant(now, WorkingDayCalendar.ZONE),
          reference.codes(ReferenceData.Kind.BANK));
    } catch (FieldErrors e) {
      errors.putAll(e.errors());
    }
    // guide 001: the applicant may choose the registry's photo on file instead of uploading a portrait
    boolean onFile = Boolean.TRUE.equals(input.usePhotoOnFile());
    Map<String, String> uploads = new LinkedHashMap<>();
    if (onFile && input.portraitPhoto() != null && !input.portraitPhoto().isBlank()) {
      errors.put("portraitPhoto", "either upload a portrait or use the photo on file (usePhotoOnFile), not both");
    } else if (!onFile) {
      uploads.put("portraitPhoto", input.portraitPhoto());
    }
    uploads.put("idCardPhoto", input.idCardPhoto());
    Map<String, byte[]> files = acceptFiles(uploads, errors);
    if (onFile && errors.isEmpty()) {
      try {
        byte[] photo = registry.photoOnFile(checked.idNumber());
        if (photo == null) {
          errors.put("usePhotoOnFile", "the population registry has no photo on file for this ID number; upload a portrait");
        } else {
          files.put("portraitPhoto", photo);
        }
      } catch (PopulationRegistry.Unavailable e) {
        errors.put("usePhotoOnFile", "the population registry cannot be reached now; upload a portrait or try again later");
      }
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    CardApplication app = checked;
    Map<String, Object> vars = new HashMap<>();
    try {
      return open(app, onFile, files, vars, clerk, now);
    } catch (DuplicateKeyException e) {
      if (!UniqueViolations.breaks(e, ONE_OPEN_APPLICATION)) {
        throw e;
      }
      // another application of this person was stored at the same moment: the index let one through
      String open = repository.openCaseOf(app.idNumber(), TYPE_CARD_APPLICATION).orElse(null);
      throw new CaseConflict("this person already has an open card application" + (open == null ? "" : ": " + open), open);
    }
  }

  /** The unique index that holds "one open card application per person" (migration V44). */
  static final String ONE_OPEN_APPLICATION = "card_case_one_open_application";

  private String open(CardApplication app, boolean onFile, Map<String, byte[]> files, Map<String, Object> vars, String clerk,
      Instant now) {
    // the review's deadline goes into the process start instruction, which is written once with the case
    CaseDeadlines.Deadline review = caseDeadlines.first(CardApplicationProcess.VAR_REVIEW_DUE_AT, now, deadlines.getReviewWorkingDays());
    vars.put(CardApplicationProcess.VAR_REVIEW_DUE_AT, review.dueAt().toString());
    return tx.execute(s -> {
      String cn = cases.open(new Cases.NewCase(TYPE_CARD_APPLICATION, CardApplicationProcess.PROCESS_ID,
          CardApplicationProcess.START, app.channel(), app.applicantName(), app.idNumber(), app.sex(), app.phone(),
          app.issuingBank(), vars, clerk == null ? Map.of("issuingBank", app.issuingBank(), "photoOnFile", onFile)
              : Map.of("issuingBank", app.issuingBank(), "photoOnFile", onFile, "acceptedBy", clerk)));
      // one open application per person: checked again inside the transaction that stores it
      repository.otherOpenCaseOf(app.idNumber(), TYPE_CARD_APPLICATION, cn).ifPresent(open -> {
        throw new CaseConflict("this person already has an open card application: " + open, open);
      });
      caseDeadlines.record(cn, review);
      cards.openFor(cn, app.idNumber(), app.applicantName(), app.issuingBank(), null, app.channel(), app.channel());
      files.forEach((field, bytes) -> documents.store(cn, field, CardApplication.DOCUMENT_FIELDS.get(field), bytes,
          onFile && field.equals("portraitPhoto") ? "population-registry" : clerk != null ? clerk : app.channel()));
      return cn;
    });
  }

  /** A branch reports a card handed over that was cancelled as uncollected (answered with 409, never lost). */
  public static class CardNotCollectable extends RuntimeException {
    public CardNotCollectable(String m) {
      super(m);
    }
  }

  /**
   * Before a branch's activation report is taken: a card cancelled because it was not collected
   * cannot be activated. The report is refused with the reason, and kept in the case's audit trail
   * so the service centre sees that the bank handed over a cancelled card.
   */
  public void checkActivatable(String caseNumber, String callbackId, String branch, String sender) {
    cards.byCase(caseNumber).filter(c -> c.state() == CardState.CANCELLED).ifPresent(c -> {
      tx.executeWithoutResult(s -> audit.append(AuditTrail.ofCase(caseNumber), "activation-refused:" + sender + ":" + callbackId, sender,
          sender, "ACTIVATION_REFUSED", Map.of("card", c.cardId(), "branch", branch,
              "reason", "card cancelled: not collected by the final deadline")));
      throw new CardNotCollectable("card " + c.cardId() + " of case " + caseNumber
          + " was cancelled because it was not collected by the final deadline; it cannot be activated or handed over."
          + " The citizen applies for a new card.");
    });
  }

  /** A resubmission: new photos for a case that waits for them. */
  public record Resubmission(String resubmissionId, String portraitPhoto, String idCardPhoto) {}

  /**
   * Stores the new documents as new versions, opens the next verification round and moves the
   * case on (message {@code application-resubmitted}). Refused unless the case waits for it.
   */
  public int resubmit(String caseNumber, Resubmission r, String channel) {
    CaseRecord c = repository.get(caseNumber);
    if (!c.channel().equals(channel)) {
      throw new CaseNotFound(caseNumber); // another channel's case: as if it did not exist
    }
    if (r.resubmissionId() != null && inbox.known("resubmission:" + caseNumber + ":" + r.resubmissionId())) {
      return verification.currentRound(caseNumber); // a retry of one already taken: same answer, nothing done
    }
    String waiting = links.find(caseNumber).map(ProcessLink::waitElement).orElse(null);
    if (c.closedAt() != null || !CardApplicationProcess.WAIT_RESUBMISSION.equals(waiting)) {
      throw new CaseConflict("case " + caseNumber + " is not waiting for a resubmission (status " + c.status() + ")", caseNumber);
    }
    Map<String, String> errors = new LinkedHashMap<>();
    if (r.resubmissionId() == null || !r.resubmissionId().matches("[A-Za-z0-9._:-]{1,100}")) {
      errors.put("resubmissionId", "required: your unique id of this resubmission (letters, digits, . _ : -), so a retry is not taken twice");
    }
    Map<String, String> given = new LinkedHashMap<>();
    if (r.portraitPhoto() != null) {
      given.put("portraitPhoto", r.portraitPhoto());
    }
    if (r.idCardPhoto() != null) {
      given.put("idCardPhoto", r.idCardPhoto());
    }
    if (given.isEmpty()) {
      errors.put("portraitPhoto", "send a new portraitPhoto, idCardPhoto or both");
    }
    Map<String, byte[]> files = acceptFiles(given, errors);
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    String messageId = "resubmission:" + caseNumber + ":" + r.resubmissionId();
    Instant now = clock.instant();
    // the message is stored with the documents it announces, and published only after they commit,
    // so the verification that it starts reads the new documents
    Integer round = tx.execute(s -> {
      Instant reviewDue = caseDeadlines.again(caseNumber, CardApplicationProcess.VAR_REVIEW_DUE_AT, now, deadlines.getReviewWorkingDays());
      if (!inbox.store(messageId, CardApplicationProcess.MSG_RESUBMITTED, caseNumber, channel,
          Map.of(CardApplicationProcess.VAR_REVIEW_DUE_AT, reviewDue.toString()))) {
        s.setRollbackOnly();
        return null; // a retry of a resubmission already taken
      }
      files.forEach((field, bytes) -> documents.store(caseNumber, field, CardApplication.DOCUMENT_FIELDS.get(field), bytes, channel));
      int next = verification.nextRound(caseNumber);
      audit.append(AuditTrail.ofCase(caseNumber), messageId, channel, channel, "APPLICATION_RESUBMITTED",
          Map.of("round", next, "documents", String.join(",", files.keySet())));
      return next;
    });
    if (round == null) {
      return verification.currentRound(caseNumber);
    }
    inbox.publishStored(messageId);
    return round;
  }

  private Map<String, byte[]> acceptFiles(Map<String, String> uploads, Map<String, String> errors) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    uploads.forEach((field, base64) -> {
      byte[] bytes = documents.accept(field, CardApplication.DOCUMENT_FIELDS.get(field), base64, errors);
      if (bytes != null) {
        files.put(field, bytes);
      }
    });
    return files;
  }

}
