package org.cardcase.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fifty 6000×6000 ID card photos checked at once in a JVM with a 160 MB heap ({@link ImageBurst},
 * started as a process of its own so that its heap is small whatever this test JVM has): each is
 * answered (accepted, or refused as busy: the API's 503), nothing throws OutOfMemoryError, and the
 * heap stays under its limit. The control run decodes in full as the checks did before and runs
 * out of memory in the same JVM, so the test can tell the two apart.
 */
class ImageMemoryTest {
  static final int IMAGES = 50;
  static final String HEAP = "-Xmx160m";

  @Test
  void fiftyMaximumSizePhotosAtOnceStayWithinTheHeap() throws Exception {
    Map<String, String> r = burst("budget");
    System.out.println("50 parallel 6000x6000 PNGs, budget: " + r);
    assertThat(Integer.parseInt(r.get("oom"))).isZero();
    assertThat(Integer.parseInt(r.get("other"))).isZero();
    assertThat(Integer.parseInt(r.get("accepted")) + Integer.parseInt(r.get("busy"))).isEqualTo(IMAGES);
    assertThat(Integer.parseInt(r.get("accepted"))).isPositive();
    assertThat(Long.parseLong(r.get("sampledPeakHeap"))).isLessThan(Long.parseLong(r.get("maxHeap")));
    // what the decodes held at once stayed within an eighth of the heap
    assertThat(Long.parseLong(r.get("budgetPeak"))).isLessThanOrEqualTo(Long.parseLong(r.get("budget")));
  }

  @Test
  void decodingInFullAsBeforeRunsOutOfMemoryInTheSameHeap() throws Exception {
    Map<String, String> r = burst("full");
    System.out.println("50 parallel 6000x6000 PNGs, full decode (control): " + r);
    assertThat(Integer.parseInt(r.get("oom"))).isPositive();
  }

  private static Map<String, String> burst(String mode) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, HEAP, "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
        ImageBurst.class.getName(), String.valueOf(IMAGES), mode)).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    String line = text.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
        .orElseThrow(() -> new AssertionError("no result from the burst JVM (exit " + p.exitValue() + "):\n" + text));
    Map<String, String> m = new HashMap<>();
    for (String kv : line.substring(7).split(" ")) {
      int eq = kv.indexOf('=');
      m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return m;
  }
}
