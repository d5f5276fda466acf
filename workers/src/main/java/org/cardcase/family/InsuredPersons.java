package org.cardcase.family;

import java.util.Optional;

/**
 * The provincial medical insurance enrolment: is this person insured with a personal account, and
 * their <b>social insurance computer number</b> (社保电脑号), the local enrolment's own number of an
 * insured person. Guide 000 §1 asks for it in one place only, the web portal's family binding;
 * its format is the enrolment's own ({@link #computerNumberProblem}). It is not the social security
 * number: that is the citizen's ID number (guide 000, the Social Insurance Law), checked as one
 * ({@link org.cardcase.shared.IdNumber}).
 */
public interface InsuredPersons {
  boolean insured(String idNumber);

  /** The insured person's social insurance computer number; empty if the person is not insured. */
  Optional<String> computerNumberOf(String idNumber);

  /** The ID number of the insured person with this computer number, if there is one. */
  Optional<String> idNumberOfComputerNumber(String computerNumber);

  /**
   * What is wrong with the form of a computer number as the enrolment writes them (a mistyped number
   * is refused before anyone is asked), in words a citizen understands; empty when well formed.
   */
  Optional<String> computerNumberProblem(String computerNumber);
}
