package org.cardcase.childcard;

import org.cardcase.cases.CaseStatus;
import static org.cardcase.processes.ChildCardProcess.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.audit.AuditTrail;
import org.cardcase.family.FamilyBindings;
import org.cardcase.family.FamilyRules;
import org.cardcase.verification.Verification;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.documents.FileCheck;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.Step;
import org.cardcase.shared.IdNumber;
import org.cardcase.notifications.Notifications;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/** The steps of a child e-card application. Each is safe to run twice. */
@Configuration
public class ChildCardWorkers {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Bean
  CaseJobHandler checkChildApplication(CaseRepository cases, CaseDocuments documents, Verification verification,
      org.cardcase.verification.PopulationRegistry registry, Clock clock, FamilyRules rules) {
    return new Step(JOB_CHECK, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      JsonNode d = JSON.readTree(cases.data(cn));
      List<String> problems = new ArrayList<>();
      // real-name verified by this system (a card made after verification, a case verified), or by the
      // channel: the national medical insurance app's signed assertion, kept with the case (guide 003)
      if (!d.hasNonNull("parentRealNameBy") && !verification.realNameVerified(c.idNumber())) {
        problems.add(ChildCards.NOT_REAL_NAME_VERIFIED);
      }
      IdNumber.Check child = IdNumber.check(d.get("childIdNumber").asText(), LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE)));
      if (!child.valid() || child.idNumber().ageOn(LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE))) >= 18) {
        problems.add("the child is not a minor");
      }
      var register = documents.latest(cn, "HOUSEHOLD_REGISTER");
      if (register.isEmpty()) {
        problems.add("the household register photo is missing");
      } else {
        FileCheck.Result r = documents.check("HOUSEHOLD_REGISTER", documents.bytes(register.get().id()));
        if (!r.ok()) {
          problems.add("household register photo: " + String.join("; ", r.problems()));
        }
      }
      var letter = documents.latest(cn, "COMMITMENT_LETTER");
      if (letter.isEmpty() || !CaseDocuments.sha256(documents.bytes(letter.get().id())).equals(d.get("letterSha256").asText())) {
        problems.add("the signed commitment letter is missing or was changed after signing");
      }
      // guide 003: the verified parent's confirmation adds the child, on the household register photo
      // the parent uploads and signs for. Only a centre that makes "the child on the parent's register"
      // its rule asks the registry; then a clerk looks when the registry cannot tell.
      boolean conclusive = true;
      if (child.valid() && rules.isChildOnParentsHouseholdRegister()) {
        switch (registry.household(c.idNumber(), child.idNumber().value())) {
          case DIFFERENT -> problems.add("the child is not on the parent's household register (" + FamilyRules.CENTRE_RULE + ")");
          case UNKNOWN -> conclusive = false;
          case SAME -> { }
        }
      }
      Map<String, Object> out = new HashMap<>();
      out.put(VAR_CHECKS_OK, problems.isEmpty());
      out.put(VAR_CHECKS_CONCLUSIVE, conclusive);
      out.put(VAR_CHECK_PROBLEM, problems.isEmpty() ? null : String.join("; ", problems));
      return out;
    });
  }

  @Bean
  CaseJobHandler issueChildECard(CaseRepository cases, FamilyBindings family, Notifications notifications,
      TransactionTemplate tx, AuditTrail audit) {
    return new Step(JOB_ISSUE, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      JsonNode d = JSON.readTree(cases.data(cn));
      String child = d.get("childIdNumber").asText();
      String eCard = tx.execute(s -> {
        // the child appears in the parent's family account with the e-card (once per case)
        String number = family.addChildWithECard(c.idNumber(), child, d.get("childName").asText(), c.channel(), cn);
        audit.append(AuditTrail.ofCase(cn), "e-card-issued", "system", null, "CHILD_E_CARD_ISSUED", Map.of("eCard", number));
        if (cases.changeStatus(cn, CaseStatus.ISSUED, "issued")) {
          cases.close(cn, END_ISSUED);
        }
        return number;
      });
      notifications.send(cn, cn + ":issued", c.phone(), "child-card-issued",
          Map.of("childName", d.get("childName").asText(), "eCard", eCard));
      return Map.of("childECard", eCard);
    });
  }

  @Bean
  CaseJobHandler refuseChildCard(CaseRepository cases, Notifications notifications, TransactionTemplate tx, AuditTrail audit) {
    return new Step(JOB_REFUSE, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      JsonNode d = JSON.readTree(cases.data(cn));
      Map<String, Object> v = job.getVariablesAsMap();
      String reason = String.valueOf(Boolean.FALSE.equals(v.get(VAR_CHECKS_OK)) ? v.get(VAR_CHECK_PROBLEM)
          : v.getOrDefault(VAR_REVIEW_REASON, "not approved"));
      tx.executeWithoutResult(s -> {
        if (cases.changeStatus(cn, CaseStatus.REFUSED, "refused")) {
          audit.append(AuditTrail.ofCase(cn), "refusal", "system", null, "CHILD_E_CARD_REFUSED", Map.of("reason", reason));
          cases.close(cn, END_REFUSED);
        }
      });
      notifications.send(cn, cn + ":refused", c.phone(), "child-card-refused",
          Map.of("childName", d.get("childName").asText(), "caseNumber", cn, "reason", reason));
      return Map.of();
    });
  }
}
