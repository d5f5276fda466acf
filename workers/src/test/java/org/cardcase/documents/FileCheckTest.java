package org.cardcase.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

/** The file checks on images: header first, one subsampled decode within the budget, the old rules kept. */
class FileCheckTest {
  static final Map<String, Object> ID_CARD = Map.of("types", List.of("image/jpeg", "image/png"), "maxBytes", 4_194_304,
      "minWidth", 640, "minHeight", 400, "maxWidth", 6000, "maxHeight", 6000);
  static final Map<String, Object> PORTRAIT = Map.of("types", List.of("image/jpeg", "image/png"), "maxBytes", 2_097_152,
      "minWidth", 358, "minHeight", 441, "maxWidth", 4000, "maxHeight", 4000);
  static final Duration WAIT = Duration.ofSeconds(2);

  static DecodeBudget budget() {
    return DecodeBudget.of(64L << 20, WAIT);
  }

  @Test
  void aSixThousandSquarePngIsAcceptedFromADecodeOfAtMostTwoMegapixels() {
    DecodeBudget b = budget();
    byte[] png = TestImages.png(6000, 6000, 1);
    FileCheck.Result r = FileCheck.check(png, ID_CARD, b, WAIT);
    assertThat(r.problems()).isEmpty();
    assertThat(r.width()).isEqualTo(6000);
    assertThat(r.height()).isEqualTo(6000);
    assertThat(b.figures().decodes()).isEqualTo(1);
    // 1200×1200 RGBA (4 bytes) plus row buffers, not the 144 MB of the full raster
    assertThat(b.figures().peakBytes()).isBetween(5_760_000L, 6_000_000L);
    assertThat(b.figures().inFlightBytes()).isZero();
  }

  @Test
  void anImageTooLargeForItsKindIsRefusedFromItsHeaderWithoutADecode() {
    DecodeBudget b = budget();
    FileCheck.Result r = FileCheck.check(TestImages.png(6000, 6000, 2), PORTRAIT, b, WAIT);
    assertThat(r.problems()).containsExactly("the image is 6000×6000 pixels; at most 4000×4000 are accepted");
    FileCheck.Result bomb = FileCheck.check(TestImages.png(9000, 9000, 2), Map.of("maxWidth", 10_000, "maxHeight", 10_000), b, WAIT);
    assertThat(bomb.problems()).containsExactly("the image has 9000×9000 pixels, far more than a photo needs");
    assertThat(b.figures().decodes()).isZero();
  }

  @Test
  void theRulesOnSmallImagesSayWhatTheySaidBefore() {
    DecodeBudget b = budget();
    assertThat(FileCheck.check(TestImages.png(120, 160, 3), PORTRAIT, b, WAIT).problems())
        .containsExactly("the image is 120×160 pixels; at least 358×441 are needed");
    assertThat(FileCheck.check("not an image".getBytes(), PORTRAIT, b, WAIT).problems())
        .containsExactly("the file is not a JPEG, PNG or PDF");
    FileCheck.Result ok = FileCheck.check(TestImages.png(400, 500, 3), PORTRAIT, b, WAIT);
    assertThat(ok.ok()).isTrue();
    assertThat(ok.contentType()).isEqualTo("image/png");
  }

  @Test
  void aDamagedImageIsStillFoundByTheSubsampledDecode() {
    DecodeBudget b = budget();
    byte[] png = TestImages.png(3000, 2000, 4);
    byte[] truncated = Arrays.copyOf(png, png.length / 2);
    assertThat(FileCheck.check(truncated, ID_CARD, b, WAIT).problems()).containsExactly("the image cannot be decoded (damaged file)");
    byte[] scrambled = png.clone();
    for (int i = png.length / 3; i < png.length / 3 + 64; i++) {
      scrambled[i] = (byte) (scrambled[i] ^ 0x5A);
    }
    assertThat(FileCheck.check(scrambled, ID_CARD, b, WAIT).problems()).containsExactly("the image cannot be decoded (damaged file)");
  }

  @Test
  void aFullBudgetRefusesAsBusyAndTheRefusalIsNotRemembered() {
    DecodeBudget b = DecodeBudget.of(4L << 20, Duration.ofMillis(100));
    byte[] png = TestImages.png(2000, 1500, 5);
    try (DecodeBudget.Lease all = b.acquire(Long.MAX_VALUE, Duration.ZERO)) {
      assertThatThrownBy(() -> FileCheck.check(png, ID_CARD, b, Duration.ofMillis(100)))
          .isInstanceOf(DecodeBudget.Busy.class)
          .satisfies(e -> assertThat(((DecodeBudget.Busy) e).retryAfter()).isEqualTo(Duration.ofSeconds(1)));
    }
    assertThat(FileCheck.check(png, ID_CARD, b, Duration.ofMillis(100)).ok()).isTrue();
    assertThat(b.figures().refused()).isEqualTo(1);
  }

  @Test
  void subsamplingLeavesAtMostTheMostPixels() {
    assertThat(FileCheck.subsampling(1000, 800, 2_000_000)).isEqualTo(1);
    assertThat(FileCheck.subsampling(6000, 6000, 2_000_000)).isEqualTo(5);
    assertThat(FileCheck.subsampling(4000, 3000, 2_000_000)).isEqualTo(3);
    for (int w : new int[] {641, 1999, 4001, 6000, 9999}) {
      for (int h : new int[] {401, 2500, 6000}) {
        int s = FileCheck.subsampling(w, h, 2_000_000);
        assertThat((long) ((w + s - 1) / s) * ((h + s - 1) / s)).isLessThanOrEqualTo(2_000_000);
        if (s > 1) {
          assertThat((long) ((w + s - 2) / (s - 1)) * ((h + s - 2) / (s - 1))).isGreaterThan(2_000_000);
        }
      }
    }
  }

  @Test
  void jpegsBaselineAndProgressiveAreCheckedAndAProgressiveOneCostsItsCoefficients() throws Exception {
    byte[] baseline = jpeg(2400, 1600, false);
    byte[] progressive = jpeg(2400, 1600, true);
    assertThat(FileCheck.progressiveJpeg(baseline)).isFalse();
    assertThat(FileCheck.progressiveJpeg(progressive)).isTrue();
    DecodeBudget b = budget();
    assertThat(FileCheck.check(baseline, ID_CARD, b, WAIT).ok()).isTrue();
    long baselinePeak = b.figures().peakBytes();
    DecodeBudget b2 = budget();
    assertThat(FileCheck.check(progressive, ID_CARD, b2, WAIT).ok()).isTrue();
    assertThat(b2.figures().peakBytes() - baselinePeak).isGreaterThanOrEqualTo(2400L * 1600 * 6 - 1024);
  }

  static byte[] jpeg(int w, int h, boolean progressive) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y += 40) {
      for (int x = 0; x < w; x += 40) {
        img.getRaster().setPixel(x, y, new int[] {x % 256, y % 256, 128});
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      ImageWriteParam p = writer.getDefaultWriteParam();
      if (progressive) {
        p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      writer.write(null, new IIOImage(img, null, null), p);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
