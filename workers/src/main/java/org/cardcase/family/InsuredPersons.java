package org.cardcase.family;

import java.util.Optional;

/**
 * The provincial medical insurance enrolment: is this person insured with a personal account, and
 * their social security (computer) number, the enrolment's own identifier of an insured person
 * (guide 000: bindings ask for it; it is not the ID number).
 */
public interface InsuredPersons {
  boolean insured(String idNumber);

  /** The insured person's social security number; empty if the person is not insured. */
  Optional<String> socialSecurityNumberOf(String idNumber);

  /** The ID number of the insured person with this social security number, if there is one. */
  Optional<String> idNumberOf(String socialSecurityNumber);

  /** Ten digits, the last a check digit: a mistyped number is refused before anyone is asked. */
  static boolean wellFormed(String socialSecurityNumber) {
    return socialSecurityNumber != null && socialSecurityNumber.matches("\\d{10}")
        && org.cardcase.shared.CheckDigits.luhn(socialSecurityNumber.substring(0, 9)) == socialSecurityNumber.charAt(9) - '0';
  }
}
