package org.cardcase.family;

import org.cardcase.cases.CaseStatus;
import static org.cardcase.processes.FamilyBindingProcess.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.Step;
import org.cardcase.notifications.Notifications;
import org.cardcase.shared.ReferenceData;
import org.cardcase.verification.PopulationRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** The steps of a family binding. Each is safe to run twice. */
@Configuration
public class FamilyWorkers {
  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode data(CaseRepository cases, String cn) throws Exception {
    return JSON.readTree(cases.data(cn));
  }

  @Bean
  CaseJobHandler checkFamilyBinding(CaseRepository cases, FamilyBindings bindings, PopulationRegistry registry,
      InsuredPersons insured, ReferenceData reference, FamilyRules rules) {
    return new Step(JOB_CHECK, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      JsonNode d = data(cases, cn);
      String member = d.get("memberIdNumber").asText();
      String refusal = null;
      // the registry is asked for the member only: the holder is a known card holder of ours or was verified at the channel
      if (registry.verify(member, d.get("memberName").asText(), null).match() == PopulationRegistry.Match.NO_MATCH) {
        refusal = "the population registry has no such family member (check the name and ID number)";
      } else if (!insured.insured(c.idNumber())) {
        refusal = "the holder is not insured with a personal medical account";
      } else if (!insured.insured(member)) {
        refusal = "the family member is not insured with a personal medical account";
      } else if (reference.find(ReferenceData.Kind.RELATIONSHIP, d.get("relationship").asText()).isEmpty()
          || !rules.bindable(d.get("relationship").asText())) {
        refusal = "this relationship cannot share a personal medical account here (" + FamilyRules.CENTRE_RULE + ")";
      } else if (bindings.activeLink(c.idNumber(), member).filter(l -> !cn.equals(l.caseNumber())).isPresent()) {
        refusal = "this member is already linked";
      } else if (rules.limitsMembers()
          && bindings.links(c.idNumber()).stream().filter(l -> !cn.equals(l.caseNumber())).count() >= rules.getMaxMembers()) {
        refusal = "the holder already has " + rules.getMaxMembers() + " linked members, the most the service centre allows ("
            + FamilyRules.CENTRE_RULE + ")";
      }
      Map<String, Object> out = new HashMap<>();
      out.put(VAR_ALLOWED, refusal == null);
      out.put(VAR_REFUSAL, refusal);
      return out;
    });
  }

  @Bean
  CaseJobHandler createFamilyLink(CaseRepository cases, JdbcClient jdbc, Notifications notifications, ReferenceData reference,
      TransactionTemplate tx, AuditTrail audit, FamilyBindings bindings) {
    return new Step(JOB_LINK, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      JsonNode d = data(cases, cn);
      String member = d.get("memberIdNumber").asText();
      tx.executeWithoutResult(s -> {
        bindings.lockHolder(c.idNumber()); // a binding request counting the holder's links waits for this one
        // the unique index on active links makes a second insert a no-op
        int n = bindings.insertLink(c.idNumber(), member, d.get("memberName").asText(), d.get("relationship").asText(), c.channel(),
            cn);
        if (n > 0) {
          Map<String, Object> detail = new HashMap<>();
          detail.put("relationship", d.get("relationship").asText());
          // how the channel proved it authenticated the holder (the assertion's id), when it came through the API
          if (d.hasNonNull("holderAuthenticatedBy")) {
            detail.put("authenticatedBy", d.get("holderAuthenticatedBy").asText());
          }
          if (d.hasNonNull("holderAssertionId")) {
            detail.put("assertionId", d.get("holderAssertionId").asText());
          }
          audit.append(AuditTrail.ofCase(cn), "linked", c.channel(), c.channel(), "FAMILY_LINKED", detail);
        }
        if (cases.changeStatus(cn, CaseStatus.LINKED, "linked")) {
          cases.close(cn, END_LINKED);
        }
      });
      String relation = reference.find(ReferenceData.Kind.RELATIONSHIP, d.get("relationship").asText())
          .map(ReferenceData.Item::nameZh).orElse("");
      if (d.hasNonNull("memberPhone")) { // through Alipay the member may have given none: told in the app
        notifications.send(cn, cn + ":member-told", d.get("memberPhone").asText(), "family-linked",
            Map.of("holderName", org.cardcase.shared.Masking.name(c.applicantName()), "relationship", relation));
      }
      // the holder is told too, where the service centre knows them, so a link they did not make does not go unseen
      notifications.send(cn, cn + ":holder-told", bindings.holderPhone(c.idNumber(), c.phone()), "family-link-added",
          Map.of("memberName", org.cardcase.shared.Masking.name(d.get("memberName").asText()), "relationship", relation,
              "channel", bindings.channelName(c.channel())));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler refuseFamilyBinding(CaseRepository cases, Notifications notifications, TransactionTemplate tx, AuditTrail audit) {
    return new Step(JOB_REFUSE, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      String reason = String.valueOf(job.getVariablesAsMap().getOrDefault(VAR_REFUSAL, "not allowed"));
      tx.executeWithoutResult(s -> {
        if (cases.changeStatus(cn, CaseStatus.REFUSED, "refused")) {
          audit.append(AuditTrail.ofCase(cn), "refusal", "system", null, "FAMILY_BINDING_REFUSED", Map.of("reason", reason));
          cases.close(cn, END_REFUSED);
        }
      });
      notifications.send(cn, cn + ":refused", c.phone(), "family-refused", Map.of("caseNumber", cn, "reason", reason));
      return Map.of();
    });
  }
}
