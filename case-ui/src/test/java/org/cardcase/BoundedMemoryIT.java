package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Bounded memory for files, against the packaged application with its 512 MB heap: fifty card applications
 * at once, each with an ID card photo of 6000×6000 pixels (a file of its own), ten bodies of exactly
 * the maximum size (12 MB) and five declaring more, all sent together. Every one is answered
 * (accepted, refused, or 503 with Retry-After), the health stays UP (engine and db) throughout,
 * nothing runs out of memory, and every call is in the call log afterwards.
 */
class BoundedMemoryIT {
  static final String PORTAL = "web-portal:web-portal-demo";
  static final int PHOTOS = 50;
  static final int MAX_BODIES = 10;
  static final int OVER_LIMIT = 5;
  static final int MAX_BODY = 12 * 1024 * 1024;

  @Test
  void fiftyMaximumSizePhotosAndMaximumSizeBodiesAtOnceLeaveTheSystemUp() throws Exception {
    byte[] big = png(6000, 6000);
    try (RunningSystem sys = new RunningSystem("bounded-memory")) {
      sys.start();
      HeapSampler heap = new HeapSampler(sys.pid());
      List<String> notUp = new CopyOnWriteArrayList<>();
      AtomicLong healthPolls = new AtomicLong();
      AtomicBoolean burstOver = new AtomicBoolean();
      Thread watcher = Thread.ofPlatform().start(() -> {
        while (!burstOver.get()) {
          try {
            HttpResponse<String> h = sys.get("/actuator/health", null);
            JsonNode j = sys.json(h);
            healthPolls.incrementAndGet();
            for (String path : List.of("/status", "/components/engine/status", "/components/db/status")) {
              if (!j.at(path).asText().equals("UP")) {
                notUp.add(path + "=" + j.at(path).asText() + " " + j.at("/components/engine/details"));
              }
            }
            Thread.sleep(500);
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            notUp.add("health not answered: " + e);
          }
        }
      });

      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < PHOTOS; i++) {
        bodies.add(application(i, Base64.getEncoder().encodeToString(variant(big, "applicant " + i))));
      }
      List<String> maxBodies = new ArrayList<>();
      for (int i = 0; i < MAX_BODIES; i++) {
        maxBodies.add(maximumBody(PHOTOS + i, big));
        assertThat(maxBodies.get(i).getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BODY);
      }

      ExecutorService pool = Executors.newFixedThreadPool(PHOTOS + MAX_BODIES + OVER_LIMIT);
      long t0 = System.nanoTime();
      List<Future<HttpResponse<String>>> photoAnswers = new ArrayList<>();
      List<Future<HttpResponse<String>>> maxAnswers = new ArrayList<>();
      List<Future<String>> overAnswers = new ArrayList<>();
      for (String b : bodies) {
        photoAnswers.add(pool.submit(() -> sys.post("/api/applications", PORTAL, b)));
      }
      for (String b : maxBodies) {
        maxAnswers.add(pool.submit(() -> sys.post("/api/applications", PORTAL, b)));
      }
      for (int i = 0; i < OVER_LIMIT; i++) {
        overAnswers.add(pool.submit(() -> declaredTooLarge(sys)));
      }

      Map<Integer, Integer> photoStatus = new TreeMap<>();
      for (Future<HttpResponse<String>> f : photoAnswers) {
        HttpResponse<String> r = f.get();
        photoStatus.merge(r.statusCode(), 1, Integer::sum);
        assertThat(r.statusCode()).as(r.body()).isIn(201, 503);
        if (r.statusCode() == 503) {
          assertThat(r.headers().firstValue("Retry-After")).isPresent();
          assertThat(sys.json(r).get("error").asText()).contains("send");
        }
      }
      Map<Integer, Integer> maxStatus = new TreeMap<>();
      for (Future<HttpResponse<String>> f : maxAnswers) {
        HttpResponse<String> r = f.get();
        maxStatus.merge(r.statusCode(), 1, Integer::sum);
        assertThat(r.statusCode()).as(r.body()).isIn(400, 503);
        if (r.statusCode() == 400) {
          assertThat(sys.json(r).at("/fields/idCardPhoto").asText()).contains("at most 4194304 are accepted");
        }
      }
      Map<String, Integer> overStatus = new TreeMap<>();
      for (Future<String> f : overAnswers) {
        String r = f.get();
        overStatus.merge(r.lines().findFirst().orElse(""), 1, Integer::sum);
        assertThat(r).startsWith("HTTP/1.1 413").contains("\"maxBytes\":12582912").contains("cardcase.api.max-body-size");
      }
      long elapsed = (System.nanoTime() - t0) / 1_000_000;
      pool.shutdown();

      // the engine goes on working after the burst: health once more, a while later
      Thread.sleep(3000);
      burstOver.set(true);
      watcher.join();
      long peak = heap.stop();
      JsonNode health = sys.json(sys.get("/actuator/health", null));

      System.out.printf("bounded memory: %d photos %s, %d maximum bodies %s, %d over the limit %s, in %d ms;"
          + " heap peak %d MB of %d MB (jstat, %d samples); health polls %d, not UP %d; memoryBudgets %s; apiCalls %s%n",
          PHOTOS, photoStatus, MAX_BODIES, maxStatus, OVER_LIMIT, overStatus, elapsed, peak >> 20, 512, heap.samples(),
          healthPolls.get(), notUp.size(), health.at("/components/memoryBudgets/details"), health.at("/components/apiCalls/details"));

      assertThat(photoStatus.getOrDefault(201, 0)).as("some of the large photos accepted").isPositive();
      assertThat(notUp).as("health while the burst ran").isEmpty();
      assertThat(healthPolls.get()).isGreaterThan(3);
      assertThat(health.at("/status").asText()).isEqualTo("UP");
      assertThat(sys.logText()).doesNotContain("OutOfMemoryError");
      assertThat(heap.samples()).isPositive();
      assertThat(peak).isLessThan(512L << 20);
      // every call, refused ones included, is in the call log (written within a second or so)
      Scenarios.await("every call in the call log", () -> sys.count(
          "select count(*) from api_call where path = '/api/applications'") == PHOTOS + MAX_BODIES + OVER_LIMIT);
      assertThat(sys.count("select count(*) from api_call where path = '/api/applications' and status = 413")).isEqualTo(OVER_LIMIT);
    }
  }

  static String application(int i, String idCardPhoto) {
    return """
        {"applicantName":"%s","idNumber":"%s","sex":"MALE","phone":"13812345678","issuingBank":"ICBC","channel":"web-portal",
         "portraitPhoto":"%s","idCardPhoto":"%s"}""".formatted(Persons.name(i), Persons.clearMatch(5000 + i),
        Scenarios.photo(400, 500, 5000 + i), idCardPhoto);
  }

  /** An application of exactly 12 MB: its ID card photo is the large PNG padded to 9 MB (more than the 4 MB a photo may have). */
  static String maximumBody(int i, byte[] png) {
    String shell = application(i, "");
    int room = MAX_BODY - shell.getBytes(StandardCharsets.UTF_8).length;
    int base64 = room / 4 * 4;
    byte[] file = Arrays.copyOf(png, base64 / 4 * 3);
    String json = application(i, Base64.getEncoder().encodeToString(file));
    return json + " ".repeat(MAX_BODY - json.getBytes(StandardCharsets.UTF_8).length);
  }

  /**
   * A request that declares 13 MB and sends 64 KB of it: the answer (status line, headers, body, read
   * up to its Content-Length) comes although the body never does, so it was refused unread. (The
   * server then waits for the rest, at most 2 MB of it, before it closes: a client that goes on
   * sending reads the answer first; Tomcat's max-swallow-size.)
   */
  static String declaredTooLarge(RunningSystem sys) throws IOException {
    try (Socket s = new Socket("127.0.0.1", sys.httpPort)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/applications HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Authorization: Basic " + Base64.getEncoder().encodeToString(PORTAL.getBytes(StandardCharsets.UTF_8)) + "\r\n"
          + "Content-Length: " + (13 * 1024 * 1024) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] some = new byte[64 * 1024];
      Arrays.fill(some, (byte) ' ');
      out.write(some);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (true) {
        String text = got.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end >= 0) {
          Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(text.substring(0, end));
          if (m.find() && got.size() >= end + 4 + Integer.parseInt(m.group(1))) {
            return got.toString(StandardCharsets.UTF_8);
          }
        }
        int n = in.read(buf);
        if (n < 0) {
          return got.toString(StandardCharsets.UTF_8);
        }
        got.write(buf, 0, n);
      }
    }
  }

  /** The application JVM's heap in use, sampled by jstat every 200 ms (young and old generations, used). */
  static final class HeapSampler {
    private final Process jstat;
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final Thread reader;

    HeapSampler(long pid) throws IOException {
      String exe = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
      jstat = new ProcessBuilder(exe, "-gc", String.valueOf(pid), "200").redirectErrorStream(true).start();
      reader = Thread.ofPlatform().daemon().start(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.US_ASCII))) {
          List<String> header = null;
          String line;
          while ((line = r.readLine()) != null) {
            List<String> cols = Arrays.asList(line.trim().split("\\s+"));
            if (cols.contains("EU")) {
              header = cols;
              continue;
            }
            if (header == null || cols.size() != header.size()) {
              continue;
            }
            double kb = 0;
            for (String c : List.of("S0U", "S1U", "EU", "OU")) {
              kb += Double.parseDouble(cols.get(header.indexOf(c)));
            }
            peak.accumulateAndGet((long) (kb * 1024), Math::max);
            samples.incrementAndGet();
          }
        } catch (IOException | RuntimeException e) {
          // jstat stopped
        }
      });
    }

    long samples() {
      return samples.get();
    }

    long stop() throws InterruptedException {
      jstat.destroy();
      reader.join(5000);
      return peak.get();
    }
  }

  /** An 8-bit RGBA PNG written row by row (never a raster in this JVM), in flat blocks: about 260 KB at 6000×6000. */
  static byte[] png(int w, int h) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream d = new DataOutputStream(ihdr);
      d.writeInt(w);
      d.writeInt(h);
      d.write(new byte[] {8, 6, 0, 0, 0});
      chunk(out, "IHDR", ihdr.toByteArray());
      ByteArrayOutputStream idat = new ByteArrayOutputStream();
      try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(9), 1 << 16)) {
        byte[] row = new byte[1 + w * 4];
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            int block = (x / 500) + (y / 500) * 13 + 7;
            row[1 + x * 4] = (byte) (block * 37);
            row[2 + x * 4] = (byte) (block * 91);
            row[3 + x * 4] = (byte) (block * 17 + 7);
            row[4 + x * 4] = (byte) 0xFF;
          }
          z.write(row);
        }
      }
      chunk(out, "IDAT", idat.toByteArray());
      chunk(out, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same pixels with a text chunk after the header: another file to the checks. */
  static byte[] variant(byte[] png, String text) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + 64);
      int afterHeader = 8 + 4 + 4 + 13 + 4;
      out.write(png, 0, afterHeader);
      chunk(out, "tEXt", ("Comment\0" + text).getBytes(StandardCharsets.ISO_8859_1));
      out.write(png, afterHeader, png.length - afterHeader);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }

}
