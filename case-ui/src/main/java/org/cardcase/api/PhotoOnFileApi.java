package org.cardcase.api;

import java.security.Principal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.IdNumber;
import org.cardcase.verification.PhotosOnFile;
import org.cardcase.verification.PopulationRegistry;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The registry's photo on file, shown to the citizen before they choose it for their card (guide
 * 001: "the system shows a default personal photo"; then {@code "usePhotoOnFile":true} on the
 * application). Only with the channel's signed citizen assertion about this same citizen ({@value
 * CitizenAssertions#HEADER}); each look is a {@code PERSONAL_DATA_VIEWED} audit entry with the
 * assertion's id and the photo's SHA-256, which the case's portrait will have when it is chosen.
 */
@RestController
public class PhotoOnFileApi {
  private final PhotosOnFile photos;
  private final CitizenAssertions assertions;
  private final Clock clock;

  public PhotoOnFileApi(PhotosOnFile photos, CitizenAssertions assertions, Clock clock) {
    this.photos = photos;
    this.assertions = assertions;
    this.clock = clock;
  }

  @GetMapping("/api/photo-on-file")
  ResponseEntity<Map<String, Object>> photoOnFile(@RequestParam(defaultValue = "") String idNumber,
      @RequestHeader(name = CitizenAssertions.HEADER, required = false) String assertion, Principal channel) {
    IdNumber.Check id = IdNumber.check(idNumber, LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE)));
    if (!id.valid()) {
      throw FieldErrors.of("idNumber", String.join("; ", id.errors()));
    }
    // no assertion, another channel's, another person's, a replay: refused (401 with its code) and audited
    CitizenAssertions.Proof citizen = assertions.verify(channel.getName(), assertion, id.idNumber().value());
    try {
      PhotosOnFile.Shown s = photos.showTo(citizen);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("idNumber", s.idNumber());
      out.put("contentType", s.contentType());
      out.put("width", s.width());
      out.put("height", s.height());
      out.put("sha256", s.sha256());
      out.put("photo", Base64.getEncoder().encodeToString(s.photo()));
      out.put("use", "to choose it, apply with \"usePhotoOnFile\":true and no portraitPhoto");
      return ResponseEntity.ok().header("Cache-Control", "no-store").body(out);
    } catch (PhotosOnFile.NoPhotoOnFile e) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", e.getMessage()));
    } catch (PopulationRegistry.Unavailable e) {
      return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "30")
          .body(Map.of("error", "the population registry cannot be reached now; try again shortly or upload a portrait"));
    }
  }
}
