package org.cardcase.api;

import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cardcase.application.CardApplications;
import org.cardcase.assertions.AssertionRefused;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.cards.CardNotFound;
import org.cardcase.cards.IllegalCardTransition;
import org.cardcase.casefile.CaseAccess;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.cases.Cases;
import org.cardcase.documents.DecodeBudget;
import org.cardcase.incidents.Incidents;
import org.cardcase.search.IndexUnavailable;
import org.cardcase.search.SearchDeadLetters;
import org.cardcase.security.RequestBodyLimit;
import org.cardcase.shared.FieldErrors;
import org.cardcase.tasks.TaskNotAllowed;
import org.cardcase.tasks.TaskNotFound;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.core.Authentication;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Every refusal as JSON with a message a channel developer can act on. */
@RestControllerAdvice(basePackageClasses = ApiExceptionHandler.class)
public class ApiExceptionHandler {

  @ExceptionHandler(FieldErrors.class)
  ResponseEntity<Map<String, Object>> fields(FieldErrors e) {
    return ResponseEntity.badRequest().body(Map.of("error", "invalid input", "fields", e.errors()));
  }

  /**
   * A citizen assertion refused: 401 with the reason's code (MISSING, INVALID, EXPIRED, REPLAYED,
   * FOREIGN_SIGNED, OTHER_CHANNEL, OTHER_PERSON, METHOD_NOT_ALLOWED). The channel's own credentials
   * were fine; the challenge names the header to send, not HTTP Basic.
   */
  @ExceptionHandler(AssertionRefused.class)
  ResponseEntity<Map<String, Object>> assertionRefused(AssertionRefused e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "citizen assertion refused: " + e.getMessage());
    body.put("code", e.code().name());
    return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
        .header("WWW-Authenticate", CitizenAssertions.HEADER + " error=\"" + e.code().name() + "\"")
        .body(body);
  }

  /**
   * Too many large images are being decoded at once (the decode budget, see DecodeBudget): nothing
   * was stored; the same request may be sent again after {@code Retry-After} seconds.
   */
  @ExceptionHandler(DecodeBudget.Busy.class)
  ResponseEntity<Map<String, Object>> imagesBusy(DecodeBudget.Busy e) {
    long seconds = Math.max(1, e.retryAfter().toSeconds());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", e.getMessage());
    body.put("retryAfterSeconds", seconds);
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", String.valueOf(seconds)).body(body);
  }

  /**
   * A body refused while it was read: past {@code cardcase.api.max-body-size} (413), or more than
   * the memory for bodies in flight allows now (503 with Retry-After).
   */
  @ExceptionHandler(RequestBodyLimit.Refused.class)
  ResponseEntity<Map<String, Object>> bodyRefused(RequestBodyLimit.Refused e) {
    return e.response();
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RequestBodyLimit.Refused refused) {
        return refused.response();
      }
    }
    Throwable c = e.getCause();
    if (c instanceof UnrecognizedPropertyException u) {
      return ResponseEntity.badRequest().body(Map.of("error", "invalid input",
          "fields", Map.of(u.getPropertyName(), "unknown field; expected one of " + u.getKnownPropertyIds())));
    }
    if (c instanceof InvalidFormatException | c instanceof MismatchedInputException) {
      MismatchedInputException m = (MismatchedInputException) c;
      String field = m.getPath().isEmpty() ? "(body)" : m.getPath().get(m.getPath().size() - 1).getFieldName();
      return ResponseEntity.badRequest().body(Map.of("error", "invalid input",
          "fields", Map.of(field == null ? "(body)" : field, "wrong type: expected " + m.getTargetType().getSimpleName())));
    }
    String detail = c == null ? e.getMessage() : c.getMessage();
    return ResponseEntity.badRequest().body(Map.of("error", "the body is not valid JSON: "
        + (detail == null ? "empty body" : detail.lines().findFirst().orElse(""))));
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<Map<String, Object>> mediaType(HttpMediaTypeNotSupportedException e) {
    return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).body(Map.of("error", "send Content-Type: application/json"));
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<Map<String, Object>> missingParam(MissingServletRequestParameterException e) {
    return ResponseEntity.badRequest().body(Map.of("error", "invalid input",
        "fields", Map.of(e.getParameterName(), "required")));
  }

  /** The read model is away: the figures cannot be given now; nothing else is affected. */
  @ExceptionHandler(IndexUnavailable.class)
  ResponseEntity<Map<String, Object>> searchAway(RuntimeException e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", e.getMessage()));
  }

  private final Cases cases;

  public ApiExceptionHandler(Cases cases) {
    this.cases = cases;
  }

  /**
   * 409 with the open case the request clashes with. Its number goes only to the channel that owns
   * that case (or to staff): another channel learns that there is one, not which.
   */
  @ExceptionHandler(CaseConflict.class)
  ResponseEntity<Map<String, Object>> conflict(CaseConflict e, Principal caller,
      HttpServletRequest req) {
    String open = e.openCaseNumber();
    String message = e.getMessage();
    if (open != null && !req.getRequestURI().contains(open) && system(caller)
        && !cases.find(open).map(c -> c.channel().equals(caller.getName())).orElse(false)) {
      message = message.replace(": report " + open, "").replace(": " + open, "").replace(open, "another case")
          + " (through another channel; its number is given to that channel only)";
      open = null;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("openCaseNumber", open);
    return ResponseEntity.status(HttpStatus.CONFLICT).body(body);
  }

  /** A channel or partner system (not a member of staff). */
  private static boolean system(Principal caller) {
    return caller instanceof Authentication a && a.getAuthorities().stream()
        .anyMatch(g -> g.getAuthority().equals("ROLE_CHANNEL") || g.getAuthority().equals("ROLE_PARTNER"));
  }

  @ExceptionHandler({IllegalCardTransition.class, Incidents.IncidentConflict.class,
      CardApplications.CardNotCollectable.class,
      SearchDeadLetters.AlreadyHandled.class})
  ResponseEntity<Map<String, Object>> illegalTransition(RuntimeException e) {
    return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", e.getMessage()));
  }

  @ExceptionHandler({CaseNotFound.class, TaskNotFound.class, CardNotFound.class,
      Incidents.IncidentNotFound.class, SearchDeadLetters.NotFound.class})
  ResponseEntity<Map<String, Object>> notFound(RuntimeException e) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", e.getMessage()));
  }

  @ExceptionHandler(CaseAccess.NotYourCase.class)
  ResponseEntity<Map<String, Object>> notYourCase(RuntimeException e) {
    return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("error", e.getMessage()));
  }

  @ExceptionHandler(TaskNotAllowed.class)
  ResponseEntity<Map<String, Object>> notAllowed(TaskNotAllowed e) {
    HttpStatus status = e.forbidden() ? HttpStatus.FORBIDDEN : HttpStatus.CONFLICT;
    return ResponseEntity.status(status).body(Map.of("error", e.getMessage()));
  }
}
