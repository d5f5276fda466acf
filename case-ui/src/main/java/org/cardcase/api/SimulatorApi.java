package org.cardcase.api;

import java.security.Principal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.IdNumber;
import org.cardcase.simulators.ChannelIdentitySimulator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * DEMO ONLY, while the simulators are on: a simulated channel's identity service signs a citizen
 * assertion for the calling channel itself, as if it had just authenticated the citizen, so the
 * README's examples can show the full medical insurance number. With real adapters there is no
 * such thing here (404): a channel's own identity service signs its assertions.
 */
@RestController
public class SimulatorApi {
  private final ObjectProvider<ChannelIdentitySimulator> identity;
  private final Clock clock;

  public SimulatorApi(ObjectProvider<ChannelIdentitySimulator> identity, Clock clock) {
    this.identity = identity;
    this.clock = clock;
  }

  public record AssertionRequest(String idNumber, String method) {}

  @PostMapping(path = "/api/simulators/citizen-assertions", consumes = "application/json")
  Map<String, Object> citizenAssertion(@RequestBody AssertionRequest body, Principal channel) {
    ChannelIdentitySimulator sim = identity.getIfAvailable();
    if (sim == null) {
      throw new CaseNotFound("no simulated identity service: the simulators are off");
    }
    IdNumber.Check id = IdNumber.check(body.idNumber() == null ? "" : body.idNumber(),
        LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE)));
    if (!id.valid()) {
      throw FieldErrors.of("idNumber", String.join("; ", id.errors()));
    }
    String method = body.method() == null ? "" : body.method().strip().toUpperCase();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("header", CitizenAssertions.HEADER);
    out.put("assertion", sim.assertionFor(channel.getName(), id.idNumber().value(), method));
    out.put("method", method);
    return out;
  }
}
