package org.cardcase.simulators;

import org.cardcase.family.InsuredPersons;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * SIMULATOR of the insurance enrolment: everyone is insured except identity numbers whose
 * sequence code (digits 15-17) is 970-979, the simulator's "not insured" test identities.
 */
@Component
@ConditionalOnProperty(name = "cardcase.simulators.enabled", havingValue = "true", matchIfMissing = true)
public class InsuredPersonsSimulator implements InsuredPersons {
  @Override
  public boolean insured(String idNumber) {
    int seq = org.cardcase.shared.IdNumber.sequenceCode(idNumber);
    return seq < 970 || seq > 979;
  }
}
