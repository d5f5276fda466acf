package org.cardcase.children;

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
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.documents.FileCheck;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.Step;
import org.cardcase.identity.IdNumber;
import org.cardcase.notifications.Notifications;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** The steps of a child e-card application. Each is safe to run twice. */
@Configuration
public class ChildCardWorkers {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Real-name verified: the parent holds a card made after verification, or passed a verification round here. */
  static boolean verified(JdbcClient jdbc, String idNumber) {
    return jdbc.sql("""
        select (exists (select 1 from card where holder_id_number = ?
                          and state in ('IN_PRODUCTION', 'PRODUCED', 'AWAITING_ACTIVATION', 'ACTIVE', 'SUSPENDED')))
            or (exists (select 1 from verification_round v join card_case c on c.case_number = v.case_number
                          where c.id_number = ? and v.outcome = 'VERIFIED'))""")
        .params(idNumber, idNumber).query(Boolean.class).single();
  }

  @Bean
  CaseJobHandler checkChildApplication(CaseRepository cases, CaseDocuments documents, JdbcClient jdbc, Clock clock) {
    return new Step(JOB_CHECK, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      JsonNode d = JSON.readTree(cases.data(cn));
      List<String> problems = new ArrayList<>();
      if (!verified(jdbc, c.idNumber())) {
        problems.add("the parent has not passed real-name verification (apply for a card, or verify at a counter, first)");
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
      Map<String, Object> out = new HashMap<>();
      out.put(VAR_CHECKS_OK, problems.isEmpty());
      out.put(VAR_CHECK_PROBLEM, problems.isEmpty() ? null : String.join("; ", problems));
      return out;
    });
  }

  @Bean
  CaseJobHandler issueChildECard(CaseRepository cases, JdbcClient jdbc, Notifications notifications, TransactionTemplate tx,
      AuditTrail audit) {
    return new Step(JOB_ISSUE, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      JsonNode d = JSON.readTree(cases.data(cn));
      String child = d.get("childIdNumber").asText();
      String eCard = tx.execute(s -> {
        String existing = jdbc.sql("select child_e_card from family_link where case_number = ?").param(cn).query(String.class)
            .optional().orElse(null);
        if (existing != null) {
          return existing; // issued on the first delivery
        }
        long serial = jdbc.sql("select nextval('child_e_card_seq')").query(Long.class).single();
        String number = "EC" + child.substring(0, 6) + String.format("%08d", serial);
        // the child appears in the parent's family account with the e-card
        jdbc.sql("""
            insert into family_link (holder_id_number, member_id_number, member_name, relationship, channel, case_number, child_e_card)
            values (?, ?, ?, 'CHILD', ?, ?, ?)
            on conflict (holder_id_number, member_id_number) where removed_at is null
            do update set child_e_card = excluded.child_e_card, case_number = excluded.case_number""")
            .params(c.idNumber(), child, d.get("childName").asText(), c.channel(), cn, number).update();
        audit.append(AuditTrail.ofCase(cn), "e-card-issued", "system", null, "CHILD_E_CARD_ISSUED", Map.of("eCard", number));
        if (org.cardcase.cases.Statuses.change(cases, audit, cn, "ISSUED", "issued")) {
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
        if (org.cardcase.cases.Statuses.change(cases, audit, cn, "REFUSED", "refused")) {
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
