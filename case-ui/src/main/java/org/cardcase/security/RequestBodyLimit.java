package org.cardcase.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounded memory for request bodies, enforced before a body is read.
 *
 * <ul>
 *   <li><b>Size</b>: a body larger than {@code cardcase.api.max-body-size} (default 12 MB: two
 *       photos of at most 4 MB each, base64-encoded, and the form around them) is answered
 *       {@code 413} with a JSON error: at once when its {@code Content-Length} says so (nothing is
 *       read), or as soon as a body sent without one grows past the limit.</li>
 *   <li><b>Memory in flight</b>: parsing a JSON body of n bytes with a base64 photo in it and
 *       decoding the photo takes about 5n bytes of heap at its peak (measured: a 12 MB body needed
 *       47 to 57 MB besides itself), so every body larger than 256 KiB first takes 5n from one
 *       budget, {@code cardcase.api.body-memory} (default an eighth of the heap), waiting at most
 *       {@code cardcase.api.body-wait} (2 s); one that does not get it is answered {@code 503}
 *       with {@code Retry-After}. A body without a length takes its share as it is read.</li>
 * </ul>
 * It runs for every request (the API, the token endpoint, the workspace's uploads), inside the API
 * call log (so refusals are logged) and before authentication.
 */
@Configuration
public class RequestBodyLimit {
  /** Heap a body costs at its peak while parsed and its photo decoded, per byte of body (measured, see above). */
  static final long COST_PER_BYTE = 5;
  /** Bodies up to this size do not take from the budget (every ordinary call). */
  static final long SMALL = 256 * 1024;

  private final long maxBytes;
  private final Semaphore budget;
  private final int budgetKiB;
  private final Duration wait;
  private final AtomicLong refusedTooLarge = new AtomicLong();
  private final AtomicLong refusedBusy = new AtomicLong();

  public RequestBodyLimit(@Value("${cardcase.api.max-body-size:12MB}") DataSize maxBodySize,
      @Value("${cardcase.api.body-memory:0}") DataSize bodyMemory,
      @Value("${cardcase.api.body-wait:2s}") Duration wait) {
    this.maxBytes = maxBodySize.toBytes();
    long memory = bodyMemory.toBytes() > 0 ? bodyMemory.toBytes() : Runtime.getRuntime().maxMemory() / 8;
    this.budgetKiB = (int) Math.max(1024, Math.min(Integer.MAX_VALUE, memory / 1024));
    this.budget = new Semaphore(budgetKiB, true);
    this.wait = wait;
  }

  /** A body refused: the response it gets, in the API's error shape. */
  public abstract static class Refused extends IOException {
    Refused(String message) {
      super(message);
    }

    public abstract int status();

    public abstract Map<String, Object> body();

    public abstract Map<String, String> headers();

    /** The answer as Spring MVC writes it (for the API's exception handler). */
    public ResponseEntity<Map<String, Object>> response() {
      ResponseEntity.BodyBuilder b = ResponseEntity.status(status());
      headers().forEach(b::header);
      return b.body(body());
    }
  }

  /** 413: the body is larger than the limit. */
  public static final class TooLarge extends Refused {
    private final long maxBytes;

    TooLarge(String message, long maxBytes) {
      super(message);
      this.maxBytes = maxBytes;
    }

    @Override
    public int status() {
      return 413;
    }

    @Override
    public Map<String, Object> body() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("error", getMessage());
      m.put("maxBytes", maxBytes);
      return m;
    }

    @Override
    public Map<String, String> headers() {
      return Map.of("Connection", "close"); // the rest of the body is not read
    }
  }

  /** 503: too many large bodies are in memory now; send it again later. */
  public static final class Busy extends Refused {
    private final long retryAfterSeconds;

    Busy(String message, long retryAfterSeconds) {
      super(message);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public int status() {
      return 503;
    }

    @Override
    public Map<String, Object> body() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("error", getMessage());
      m.put("retryAfterSeconds", retryAfterSeconds);
      return m;
    }

    @Override
    public Map<String, String> headers() {
      return Map.of("Retry-After", String.valueOf(retryAfterSeconds));
    }
  }

  public record Figures(long maxBodyBytes, long budgetBytes, long inUseBytes, long refusedTooLarge, long refusedBusy) {}

  public Figures figures() {
    return new Figures(maxBytes, budgetKiB * 1024L, (budgetKiB - (long) budget.availablePermits()) * 1024,
        refusedTooLarge.get(), refusedBusy.get());
  }

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> requestBodyLimitFilter() {
    FilterRegistrationBean<OncePerRequestFilter> reg = new FilterRegistrationBean<>(filter());
    reg.addUrlPatterns("/*");
    reg.setOrder(-150); // inside the API call log (-200), before Spring Security (-100)
    return reg;
  }

  OncePerRequestFilter filter() {
    return new OncePerRequestFilter() {
      @Override
      protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
          throws ServletException, IOException {
        long length = req.getContentLengthLong();
        boolean chunked = length < 0 && req.getHeader("Transfer-Encoding") != null;
        if (length <= 0 && !chunked) {
          chain.doFilter(req, res);
          return;
        }
        Share share = new Share();
        try {
          if (length > maxBytes) {
            throw tooLarge(length);
          }
          if (length > SMALL) {
            share.take(length * COST_PER_BYTE);
          }
          Limited limited = new Limited(req, share);
          try {
            chain.doFilter(limited, res);
          } catch (IOException | ServletException | RuntimeException e) {
            Refused r = refusal(e);
            if (r == null || res.isCommitted()) {
              throw e;
            }
            write(res, r);
            return;
          }
          if (limited.refused != null && !res.isCommitted()) {
            // a reader that swallowed the refusal (an upload handler): the answer says what happened
            res.reset();
            write(res, limited.refused);
          }
        } catch (Refused r) {
          if (r instanceof Busy) {
            // a body within the limit is read and thrown away (a few KB at a time), so that the
            // client, still sending, gets the 503 and not a connection reset
            drain(req);
          }
          write(res, r);
        } finally {
          share.close();
        }
      }
    };
  }

  private void drain(HttpServletRequest req) {
    try {
      InputStream in = req.getInputStream();
      byte[] buf = new byte[8192];
      long total = 0;
      int n;
      while (total <= maxBytes && (n = in.read(buf)) >= 0) {
        total += n;
      }
    } catch (IOException | IllegalStateException e) {
      // the connection is closed after the answer instead
    }
  }

  private static Refused refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Refused r) {
        return r;
      }
    }
    return null;
  }

  private TooLarge tooLarge(long length) {
    refusedTooLarge.incrementAndGet();
    String mb = DataSize.ofBytes(maxBytes).toMegabytes() + " MB";
    return new TooLarge((length >= 0 ? "the request body has " + length + " bytes" : "the request body is larger than " + mb)
        + "; at most " + maxBytes + " bytes (" + mb + ") are accepted (cardcase.api.max-body-size)."
        + " Send each photo as the document kind allows (at most 4 MB)", maxBytes);
  }

  private static void write(HttpServletResponse res, Refused r) throws IOException {
    r.headers().forEach(res::setHeader);
    ApiErrors.write(res, r.status(), r.body());
  }

  /** What one request holds of the budget; given back when the request is done. */
  private final class Share implements AutoCloseable {
    private long heldKiB;

    /** Holds at least {@code bytes} of the budget, waiting for the rest at most {@link #wait}. */
    void take(long bytes) throws Busy {
      long needKiB = Math.min(budgetKiB, bytes / 1024 + (bytes % 1024 == 0 ? 0 : 1));
      if (needKiB <= heldKiB) {
        return;
      }
      int more = (int) (needKiB - heldKiB);
      boolean got;
      try {
        got = budget.tryAcquire(more, wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        got = false;
      }
      if (!got) {
        refusedBusy.incrementAndGet();
        long seconds = Math.max(1, wait.toSeconds());
        throw new Busy("too many large requests are being handled right now; nothing was done with this one,"
            + " send it again in " + seconds + " s", seconds);
      }
      heldKiB += more;
    }

    @Override
    public void close() {
      if (heldKiB > 0) {
        budget.release((int) heldKiB);
        heldKiB = 0;
      }
    }
  }

  /** The request with its body counted as it is read: past the limit, or past its share, reading fails. */
  private final class Limited extends HttpServletRequestWrapper {
    private final Share share;
    private ServletInputStream in;
    private BufferedReader reader;
    Refused refused;

    Limited(HttpServletRequest req, Share share) {
      super(req);
      this.share = share;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (in == null) {
        ServletInputStream raw = super.getInputStream();
        in = new ServletInputStream() {
          private long count;

          private void counted(long n) throws IOException {
            if (n <= 0) {
              return;
            }
            count += n;
            try {
              if (count > maxBytes) {
                throw tooLarge(-1);
              }
              if (count > SMALL) {
                share.take(count * COST_PER_BYTE);
              }
            } catch (Refused r) {
              refused = r;
              throw r;
            }
          }

          @Override
          public int read() throws IOException {
            if (refused != null) {
              throw refused;
            }
            int b = raw.read();
            if (b >= 0) {
              counted(1);
            }
            return b;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (refused != null) {
              throw refused;
            }
            int n = raw.read(b, off, len);
            counted(n);
            return n;
          }

          @Override
          public boolean isFinished() {
            return raw.isFinished();
          }

          @Override
          public boolean isReady() {
            return raw.isReady();
          }

          @Override
          public void setReadListener(ReadListener listener) {
            raw.setReadListener(listener);
          }
        };
      }
      return in;
    }

    @Override
    public BufferedReader getReader() throws IOException {
      if (reader == null) {
        String enc = getCharacterEncoding();
        Charset cs = enc == null ? StandardCharsets.UTF_8 : Charset.forName(enc);
        reader = new BufferedReader(new InputStreamReader(getInputStream(), cs));
      }
      return reader;
    }
  }
}
