package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.cardcase.shared.IdNumber;

/** What the system tests do through the API, as a channel, a clerk or a partner would. */
public final class Scenarios {
  static final String PORTAL = "web-portal:web-portal-demo";
  static final String CLERK = "clerk:clerk-demo";
  static final String PARTNER = "bank-icbc:bank-icbc-demo"; // the cases here are made by ICBC
  static final String SUPERVISOR = "supervisor:supervisor-demo";
  static final String ADMIN = "admin:admin-demo";

  private Scenarios() {}

  /** A portrait and an ID card photo that pass the file checks. */
  static final String PORTRAIT = png(400, 500);
  static final String ID_CARD = png(700, 450);

  static String application(String name, String idNumber, String sex) {
    return """
        {"applicantName":"%s","idNumber":"%s","sex":"%s","phone":"13812345678","issuingBank":"ICBC","channel":"web-portal",
         "portraitPhoto":"%s","idCardPhoto":"%s"}"""
        .formatted(name, idNumber, sex, PORTRAIT, ID_CARD);
  }

  /**
   * A valid ID number: the GB 11643 check character appended to 17 digits. The last three of
   * them choose the simulators' behaviour (981-984: the bank does not call back by itself, so the
   * test sends the callbacks; 999: the registry matches clearly; others: a clerk compares photos).
   */
  static String id(String first17) {
    return first17 + IdNumber.checkCharacter(first17);
  }

  /** A photo of its own for the i-th applicant: distinct bytes, so every upload is really decoded and checked. */
  static String photo(int w, int h, int i) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    Random r = new Random(i);
    g.setColor(new Color(235 + r.nextInt(20), 235 + r.nextInt(20), 235 + r.nextInt(20)));
    g.fillRect(0, 0, w, h);
    g.setColor(new Color(r.nextInt(120), r.nextInt(120), r.nextInt(120)));
    g.fillOval(w / 4 + r.nextInt(20), h / 6 + r.nextInt(20), w / 2, h / 2);
    g.drawString(Integer.toString(i), 10 + r.nextInt(w / 2), 20 + r.nextInt(h / 2));
    g.dispose();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      return Base64.getEncoder().encodeToString(out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The i-th applicant's application with photos of their own. */
  static String application(String name, String idNumber, String sex, int i) {
    return """
        {"applicantName":"%s","idNumber":"%s","sex":"%s","phone":"13812345678","issuingBank":"ICBC","channel":"web-portal",
         "portraitPhoto":"%s","idCardPhoto":"%s"}"""
        .formatted(name, idNumber, sex, photo(400, 500, i), photo(700, 450, -i - 1));
  }

  public static String png(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.GRAY);
    g.fillOval(w / 4, h / 6, w / 2, h / 2);
    g.dispose();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      return Base64.getEncoder().encodeToString(out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String created(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return RunningSystem.JSON.readTree(r.body()).get("caseNumber").asText();
  }

  static String step(RunningSystem sys, String cn) throws Exception {
    return sys.json(sys.get("/api/cases/" + cn, cn.startsWith("SC-") ? SUPERVISOR : PORTAL)).get("currentStep").asText();
  }

  static String status(RunningSystem sys, String cn) throws Exception {
    return sys.json(sys.get("/api/cases/" + cn, PORTAL)).get("status").asText();
  }

  /** The clerk's photo comparison, through the task API (validated against forms/compare-photos.form). */
  static void comparePhotos(RunningSystem sys, String cn, String form) throws Exception {
    // the step is recorded by the checkpoint, the task a moment later by the user task worker
    await("the task of " + cn, () -> sys.json(sys.get("/api/tasks?caseNumber=" + cn, CLERK)).size() == 1);
    JsonNode tasks = sys.json(sys.get("/api/tasks?caseNumber=" + cn, CLERK));
    assertThat(tasks).hasSize(1);
    assertThat(tasks.get(0).get("step").asText()).isEqualTo("compare-photos");
    HttpResponse<String> r = sys.post("/api/tasks/" + tasks.get(0).get("id").asLong() + "/complete", CLERK, form);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  public static void await(String what, Callable<Boolean> condition) throws Exception {
    await(what, condition, Duration.ofSeconds(30));
  }

  public static void await(String what, Callable<Boolean> condition, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.call()) {
          return;
        }
      } catch (Exception | AssertionError e) {
        // not yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("timed out waiting until: " + what);
  }

  static boolean alive(Path pidFile) throws Exception {
    if (!Files.exists(pidFile)) {
      return false;
    }
    String pid = Files.readAllLines(pidFile).get(0).trim();
    return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
  }
}
