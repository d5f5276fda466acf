package org.cardcase.counter;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.CardNotFound;
import org.cardcase.cards.MedicalInsuranceNumbers;
import org.cardcase.casefile.CaseFiles;
import org.cardcase.childcard.ChildCards;
import org.cardcase.shared.Channels;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.IdNumber;
import org.cardcase.shared.Masking;
import org.cardcase.tasks.TaskQueue;
import org.cardcase.verification.PhotosOnFile;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The lookups of the service hall (guide 003: the child's medical e-card "can be checked in the
 * processing hall of the social insurance office"; guide 004: the medical insurance number is the
 * person's one identifier): the citizen presents the ID card, the counter clerk reads it (the reader
 * types the number; checked as GB 11643) and sees the child e-cards of the children the citizen is
 * the parent of, the citizen's medical insurance number and their cases, none of them needing a case
 * number. Only clerks of the counter work group (and supervisors) may; each case and number shown
 * is in its case's audit trail with the clerk's name, the counter and "ID_CARD".
 */
@Service
public class CounterLookups {
  /** A child e-card of the parent: the child masked, the e-card number in full (the parent is in front of the clerk). */
  public record ChildECard(String caseNumber, String childName, String childIdNumber, String status, String eCard,
      LocalDate requestedOn) {}

  /** What the clerk sees: the citizen (masked), the medical insurance number (null: none yet), child e-cards, cases. */
  public record Result(String idNumber, String holderName, String medicalInsuranceNumber, String cardState,
      List<ChildECard> childECards, List<CaseFiles.CaseFile> cases) {}

  private final MedicalInsuranceNumbers numbers;
  private final ChildCards childCards;
  private final CaseFiles caseFiles;
  private final Clock clock;
  private final TransactionTemplate tx;

  public CounterLookups(MedicalInsuranceNumbers numbers, ChildCards childCards, CaseFiles caseFiles, Clock clock, TransactionTemplate tx) {
    this.tx = tx;
    this.numbers = numbers;
    this.childCards = childCards;
    this.caseFiles = caseFiles;
    this.clock = clock;
  }

  /**
   * The lookups for the citizen whose ID card the clerk read. Throws {@link PhotosOnFile.NotAtCounter}
   * for anyone but a counter clerk or a supervisor, {@link FieldErrors} (field {@code idNumber}) for a
   * number that is not a valid ID number.
   */
  public Result lookUp(String idCardNumber, TaskQueue.Person clerk) {
    return tx.execute(status -> {
      PhotosOnFile.requireCounter(clerk);
      String v = idCardNumber == null ? "" : idCardNumber.strip().toUpperCase(Locale.ROOT);
      IdNumber.Check check = IdNumber.check(v, LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE)));
      if (!check.valid()) {
        throw FieldErrors.of("idNumber", String.join("; ", check.errors()));
      }
      String id = check.idNumber().value();
      // the clerk holds the citizen's ID card: authenticated in person, as the counter does (ID_CARD)
      CitizenAssertions.Proof inPerson = CitizenAssertions.inPerson(Channels.COUNTER, id, "ID_CARD");
      String number = null;
      String cardState = null;
      String holder = null;
      try {
        MedicalInsuranceNumbers.Lookup l = numbers.lookup(inPerson, clerk.name());
        number = l.medicalInsuranceNumber();
        cardState = l.cardState();
        holder = l.holderName();
      } catch (CardNotFound e) {
        // no card with a number yet: the screen says so
      }
      List<ChildECard> children = childCards.ofParent(inPerson, clerk.name()).stream()
          .map(c -> new ChildECard(c.caseNumber(), Masking.name(c.childName()), Masking.idNumber(c.childIdNumber()), c.status(),
              c.eCard(), LocalDate.ofInstant(c.requestedAt(), WorkingDayCalendar.ZONE)))
          .toList();
      List<CaseFiles.CaseFile> cases = caseFiles.filesOf(inPerson, clerk.name());
      if (holder == null && !cases.isEmpty()) {
        holder = Masking.name(cases.get(0).record().applicantName());
      }
      return new Result(Masking.idNumber(id), holder, number, cardState, children, cases);
    });
  }
}
