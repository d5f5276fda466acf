package org.cardcase.reissue;

import static org.cardcase.processes.ReissueProcess.JOB_ESCALATE_UNCOLLECTED;
import static org.cardcase.processes.ReissueProcess.JOB_HAND_OVER;
import static org.cardcase.processes.ReissueProcess.JOB_NOTIFY_READY;
import static org.cardcase.processes.ReissueProcess.JOB_PICKUP_LATE;
import static org.cardcase.processes.ReissueProcess.JOB_REMIND_PICKUP;
import static org.cardcase.processes.ReissueProcess.JOB_STOP_OLD_CARD;
import static org.cardcase.processes.ReissueProcess.VAR_OLD_CARD_ID;
import static org.cardcase.processes.ReissueProcess.VAR_PICKUP_FINAL_DUE_AT;
import static org.cardcase.processes.ReissueProcess.VAR_PICKUP_REMINDER_AT;

import java.time.Instant;
import java.util.Map;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.Step;
import org.cardcase.processes.CardProductionProcess;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The steps of a reissue: each reads the job's variables and calls one method of {@link ReissueProgress}. */
@Configuration
public class ReissueWorkers {

  static String oldCardId(Map<String, Object> vars) {
    Object id = vars.get(VAR_OLD_CARD_ID);
    if (id == null) {
      throw new IllegalStateException("the reissue has no oldCardId variable");
    }
    return id.toString();
  }

  @Bean
  CaseJobHandler stopOldCard(ReissueProgress progress) {
    return new Step(JOB_STOP_OLD_CARD, (job, cn) -> {
      progress.stopOldCard(cn, oldCardId(job.getVariablesAsMap()));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler pickupLate(ReissueProgress progress) {
    return new Step(JOB_PICKUP_LATE, (job, cn) -> {
      progress.pickupLate(cn);
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler notifyReissuedCardReady(ReissueProgress progress) {
    return new Step(JOB_NOTIFY_READY, (job, cn) -> {
      Object cardNumber = job.getVariablesAsMap().get(CardProductionProcess.VAR_CARD_NUMBER);
      ReissueProgress.Deadlines due = progress.cardReady(cn, cardNumber == null ? null : cardNumber.toString());
      return Map.of(VAR_PICKUP_REMINDER_AT, due.reminderAt().toString(), VAR_PICKUP_FINAL_DUE_AT, due.finalDueAt().toString());
    });
  }

  @Bean
  CaseJobHandler remindReissuedCardCollection(ReissueProgress progress) {
    return new Step(JOB_REMIND_PICKUP, (job, cn) -> {
      Object finalDue = job.getVariablesAsMap().get(VAR_PICKUP_FINAL_DUE_AT);
      progress.remindCollection(cn, finalDue == null ? null : Instant.parse(finalDue.toString()));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler escalateUncollectedReissuedCard(ReissueProgress progress) {
    return new Step(JOB_ESCALATE_UNCOLLECTED, (job, cn) -> {
      progress.escalateUncollected(cn);
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler handOver(ReissueProgress progress) {
    return new Step(JOB_HAND_OVER, (job, cn) -> {
      Map<String, Object> v = job.getVariablesAsMap();
      String clerk = String.valueOf(v.getOrDefault("handedOverBy", "clerk"));
      // guide 004: the person who made the reissue collects (the holder, or the delegate with their own ID card)
      String collector = String.valueOf(v.getOrDefault("collectedBy", "HOLDER"));
      String oldCard = oldCardId(v);
      progress.handOver(cn, oldCard, clerk, collector);
      return Map.of();
    });
  }
}
