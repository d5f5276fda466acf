package org.cardcase.api;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cardcase.retention.PersonalDataRetention;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The personal-data retention job for administrators ({@code /api/admin/**}: role ADMIN, on the
 * server): its policy and last run, and a run now (what the daily job does; audited on each case
 * it changes, the run recorded with the administrator's name).
 */
@RestController
public class RetentionApi {
  private final PersonalDataRetention retention;

  public RetentionApi(PersonalDataRetention retention) {
    this.retention = retention;
  }

  @GetMapping("/api/admin/retention")
  public Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("policy", retention.policy());
    out.put("lastRun", retention.last().orElse(null));
    return out;
  }

  @PostMapping("/api/admin/retention/run")
  public PersonalDataRetention.Run runNow(Principal admin) {
    return retention.run("admin:" + admin.getName());
  }
}
