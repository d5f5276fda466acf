package org.cardcase.family;

/** The provincial medical insurance enrolment: is this person insured with a personal account? */
public interface InsuredPersons {
  boolean insured(String idNumber);
}
