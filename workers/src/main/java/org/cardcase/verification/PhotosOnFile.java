package org.cardcase.verification;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.audit.AuditTrail;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.shared.Masking;
import org.cardcase.tasks.TaskQueue;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The population registry's photo on file, <b>shown</b> before the applicant chooses it as the
 * card's photo (guide 001: "the system shows a default personal photo, and applicants may choose the
 * photo the system shows"). It is the citizen's personal data: the channel sees it only with its
 * signed assertion about this citizen, the counter clerk only for the citizen whose ID card is
 * presented; each look is a {@code PERSONAL_DATA_VIEWED} entry in the person's audit trail
 * ({@code person:hmac:…}, the ID number's digest: there may be no case yet), with the photo's
 * digest, so the photo chosen later can be traced to the one shown.
 */
@Service
public class PhotosOnFile {
  /** The work group whose clerks serve citizens at a counter. */
  public static final String COUNTER_GROUP = "counter";

  /** The photo as shown: masked ID number, the image and its SHA-256 (hex). */
  public record Shown(String idNumber, String contentType, byte[] photo, String sha256, int width, int height) {}

  /** The registry has no photo of this person: the applicant uploads a portrait. */
  public static class NoPhotoOnFile extends RuntimeException {
    public NoPhotoOnFile() {
      super("the population registry has no photo on file for this ID number; upload a portrait (or take one at the counter)");
    }
  }

  /** Only clerks of the counter work group (or supervisors) read a citizen's data at the counter. */
  public static class NotAtCounter extends RuntimeException {
    public NotAtCounter(String who) {
      super(who + " is not a clerk of the counter work group: the counter's lookups are for them");
    }
  }

  private final PopulationRegistry registry;
  private final AuditTrail audit;
  private final TransactionTemplate tx;

  private final PersonalFields personal;

  public PhotosOnFile(PopulationRegistry registry, AuditTrail audit, TransactionTemplate tx,
      PersonalFields personal) {
    this.personal = personal;
    this.registry = registry;
    this.audit = audit;
    this.tx = tx;
  }

  /**
   * The person's audit trail: the keyed digest of the ID number (its blind index), never the number
   * nor a plain SHA-256 of it (which trying every possible number reverses).
   */
  public String subject(String idNumber) {
    return "person:" + personal.idDigest(idNumber.strip());
  }

  /** Whether the person may serve citizens at a counter (counter group clerk, or a supervisor). */
  public static void requireCounter(TaskQueue.Person p) {
    boolean clerk = p.roles().contains("CLERK") && p.groups().contains(COUNTER_GROUP);
    if (!clerk && !p.roles().contains("SUPERVISOR")) {
      throw new NotAtCounter(p.name());
    }
  }

  /**
   * Through a channel: the photo of the citizen the verified assertion is about. Throws {@link
   * NoPhotoOnFile}, or {@link PopulationRegistry.Unavailable} when the registry cannot answer now.
   */
  public Shown showTo(CitizenAssertions.Proof citizen) {
    Map<String, Object> detail = new LinkedHashMap<>(citizen.auditDetail());
    return show(citizen.idNumber(), citizen.channel(), citizen.channel(), detail);
  }

  /**
   * At the counter: the photo of the citizen whose ID card the clerk holds ({@code idNumber} already
   * checked), before the clerk chooses it for the application.
   */
  public Shown showAtCounter(String idNumber, TaskQueue.Person clerk, String channel) {
    requireCounter(clerk);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("authenticatedBy", "ID_CARD");
    detail.put("presentedTo", "clerk");
    return show(idNumber.strip().toUpperCase(), clerk.name(), channel, detail);
  }

  private Shown show(String idNumber, String actor, String channel, Map<String, Object> detail) {
    // the registry is asked outside any transaction; the look is recorded once it is answered
    byte[] photo = registry.photoOnFile(idNumber);
    if (photo == null) {
      throw new NoPhotoOnFile();
    }
    String sha = sha256(photo);
    int[] size = size(photo);
    detail.put("fields", "photoOnFile");
    detail.put("photoSha256", sha);
    tx.executeWithoutResult(s -> audit.append(subject(idNumber), "photo-on-file:" + UUID.randomUUID(), actor, channel,
        "PERSONAL_DATA_VIEWED", detail));
    return new Shown(Masking.idNumber(idNumber), contentType(photo), photo, sha, size[0], size[1]);
  }

  /** The looks at this person's data recorded in their trail (oldest first). */
  public List<AuditTrail.Entry> trail(String idNumber) {
    return audit.entries(subject(idNumber));
  }

  static String contentType(byte[] b) {
    return b.length > 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 ? "image/jpeg" : "image/png";
  }

  /** Width and height from the image's header alone (nothing decoded); 0, 0 if unreadable. */
  private static int[] size(byte[] photo) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(photo))) {
      var readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return new int[] {0, 0};
      }
      ImageReader r = readers.next();
      try {
        r.setInput(in, true, true);
        return new int[] {r.getWidth(0), r.getHeight(0)};
      } finally {
        r.dispose();
      }
    } catch (IOException e) {
      return new int[] {0, 0};
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
