package org.cardcase.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/** Bodies past the limit are refused before they are read, and large bodies in flight share one budget. */
class RequestBodyLimitTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static RequestBodyLimit limit(long maxBytes, long memory, Duration wait) {
    return new RequestBodyLimit(DataSize.ofBytes(maxBytes), DataSize.ofBytes(memory), wait);
  }

  static MockHttpServletRequest post(byte[] body) {
    MockHttpServletRequest req = new MockHttpServletRequest("POST", "/api/applications");
    req.setContentType("application/json");
    req.setContent(body);
    return req;
  }

  /** A body sent without a Content-Length (chunked). */
  static MockHttpServletRequest chunked(byte[] body) {
    MockHttpServletRequest req = new MockHttpServletRequest("POST", "/api/applications") {
      @Override
      public long getContentLengthLong() {
        return -1;
      }

      @Override
      public int getContentLength() {
        return -1;
      }
    };
    req.addHeader("Transfer-Encoding", "chunked");
    req.setContent(body);
    return req;
  }

  static final FilterChain READS_ALL = (rq, rs) -> {
    try (InputStream in = rq.getInputStream()) {
      in.readAllBytes();
    }
    ((HttpServletResponse) rs).setStatus(201);
  };

  @Test
  void aBodyDeclaredTooLargeIsRefusedWithoutReadingIt() throws Exception {
    OncePerRequestFilter f = limit(12L << 20, 64L << 20, Duration.ofSeconds(1)).filter();
    MockHttpServletRequest req = post(new byte[(12 << 20) + 1]);
    MockHttpServletResponse res = new MockHttpServletResponse();
    AtomicBoolean reached = new AtomicBoolean();
    f.doFilter(req, res, (rq, rs) -> reached.set(true));
    assertThat(reached).isFalse();
    assertThat(res.getStatus()).isEqualTo(413);
    assertThat(res.getHeader("Connection")).isEqualTo("close");
    JsonNode body = JSON.readTree(res.getContentAsString());
    assertThat(body.get("error").asText()).contains("12582913 bytes").contains("at most 12582912 bytes (12 MB)")
        .contains("cardcase.api.max-body-size");
    assertThat(body.get("maxBytes").asLong()).isEqualTo(12L << 20);
  }

  @Test
  void aBodyAtTheLimitPasses() throws Exception {
    OncePerRequestFilter f = limit(1 << 20, 64L << 20, Duration.ofSeconds(1)).filter();
    MockHttpServletResponse res = new MockHttpServletResponse();
    f.doFilter(post(new byte[1 << 20]), res, READS_ALL);
    assertThat(res.getStatus()).isEqualTo(201);
  }

  @Test
  void aBodyWithoutALengthIsRefusedAsSoonAsItGrowsPastTheLimit() throws Exception {
    OncePerRequestFilter f = limit(1 << 20, 64L << 20, Duration.ofSeconds(1)).filter();
    MockHttpServletResponse res = new MockHttpServletResponse();
    f.doFilter(chunked(new byte[(1 << 20) + 10]), res, READS_ALL);
    assertThat(res.getStatus()).isEqualTo(413);
    assertThat(JSON.readTree(res.getContentAsString()).get("error").asText()).contains("larger than 1 MB");

    // a reader that swallows the failure (an upload handler) does not turn it into a success
    MockHttpServletResponse swallowed = new MockHttpServletResponse();
    f.doFilter(chunked(new byte[2 << 20]), swallowed, (rq, rs) -> {
      try {
        rq.getInputStream().readAllBytes();
      } catch (IOException ignored) {
        ((HttpServletResponse) rs).setStatus(500);
        return;
      }
      ((HttpServletResponse) rs).setStatus(201);
    });
    assertThat(swallowed.getStatus()).isEqualTo(413);
  }

  @Test
  void largeBodiesInFlightShareTheBudgetAndTheOneTooManyGets503WithRetryAfter() throws Exception {
    RequestBodyLimit limit = limit(12L << 20, 2L << 20, Duration.ofMillis(200));
    OncePerRequestFilter f = limit.filter();
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // 420 KB costs 2.1 MB (5 bytes a byte): more than the budget, so it takes all of it and runs alone
    CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
      MockHttpServletResponse res = new MockHttpServletResponse();
      try {
        f.doFilter(post(new byte[420 * 1024]), res, (rq, rs) -> {
          holding.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ((HttpServletResponse) rs).setStatus(201);
        });
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return res.getStatus();
    });
    assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(limit.figures().inUseBytes()).isEqualTo(2L << 20);

    MockHttpServletResponse busy = new MockHttpServletResponse();
    AtomicBoolean reached = new AtomicBoolean();
    f.doFilter(post(new byte[300 * 1024]), busy, (rq, rs) -> reached.set(true));
    assertThat(reached).isFalse();
    assertThat(busy.getStatus()).isEqualTo(503);
    assertThat(busy.getHeader("Retry-After")).isEqualTo("1");
    assertThat(JSON.readTree(busy.getContentAsString()).get("retryAfterSeconds").asInt()).isEqualTo(1);

    // ordinary small calls never wait for the budget
    MockHttpServletResponse small = new MockHttpServletResponse();
    f.doFilter(post(new byte[10 * 1024]), small, READS_ALL);
    assertThat(small.getStatus()).isEqualTo(201);

    release.countDown();
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(201);
    assertThat(limit.figures().inUseBytes()).isZero();
    MockHttpServletResponse after = new MockHttpServletResponse();
    f.doFilter(post(new byte[300 * 1024]), after, READS_ALL);
    assertThat(after.getStatus()).isEqualTo(201);
    assertThat(limit.figures().refusedBusy()).isEqualTo(1);
  }

  @Test
  void aBodyWithoutALengthTakesItsShareAsItIsRead() throws Exception {
    RequestBodyLimit limit = limit(12L << 20, 1L << 20, Duration.ofMillis(100));
    OncePerRequestFilter f = limit.filter();
    MockHttpServletResponse res = new MockHttpServletResponse();
    // 300 KB read costs 1.5 MB of a 1 MB budget: clamped to the whole budget, it passes alone
    f.doFilter(chunked(new byte[300 * 1024]), res, READS_ALL);
    assertThat(res.getStatus()).isEqualTo(201);
    assertThat(limit.figures().inUseBytes()).isZero();
  }
}
