package org.cardcase.reissue;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.lowagie.text.Document;
import com.lowagie.text.PageSize;
import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfContentByte;
import com.lowagie.text.pdf.PdfWriter;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.deadlines.DeadlineRules;
import org.cardcase.processes.ReissueProcess;
import org.cardcase.shared.Masking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The printed voucher, the card pickup certificate of guide 004 (it serves as a temporary medical voucher until
 * the new card is collected). An A5 page in Chinese with the certificate number as text and as a QR
 * code that a hospital scans to check it ({@code GET /api/vouchers/{number}}); the holder is masked
 * as on the paper forms of the service centres. Each print is in the case's audit trail.
 */
@Service
public class VoucherPrints {
  private static final Logger log = LoggerFactory.getLogger(VoucherPrints.class);
  /** Where a CJK font is found on common Linux installs; {@code cardcase.certificate.font} overrides. */
  static final List<String> FONT_CANDIDATES = List.of(
      "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc,2",
      "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc,2",
      "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc,2",
      "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc,0",
      "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc,0");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy年M月d日");

  private final Vouchers vouchers;
  private final AuditTrail audit;
  private final String configuredFont;
  private final String servicePoint;
  private final CaseDeadlines deadlines;
  private final DeadlineRules rules;

  public VoucherPrints(Vouchers vouchers, AuditTrail audit, @Value("${cardcase.certificate.font:}") String configuredFont,
      @Value("${cardcase.certificate.service-point:社会保障卡服务中心}") String servicePoint,
      CaseDeadlines deadlines, DeadlineRules rules) {
    this.vouchers = vouchers;
    this.audit = audit;
    this.configuredFont = configuredFont;
    this.servicePoint = servicePoint;
    this.deadlines = deadlines;
    this.rules = rules;
    if (font() == null) {
      log.warn("no Chinese font found for printing vouchers; set cardcase.certificate.font (tried {})", FONT_CANDIDATES);
    }
  }

  /** The font file (with its index in a collection) used, or null if none is installed. */
  public String font() {
    if (configuredFont != null && !configuredFont.isBlank()) {
      return configuredFont;
    }
    return FONT_CANDIDATES.stream().filter(f -> new File(f.substring(0, f.lastIndexOf(','))).isFile()).findFirst().orElse(null);
  }

  /** The certificate as a PDF, printed by {@code by} through {@code channel}; audited. */
  public byte[] print(String number, String by, String channel) {
    Vouchers.Voucher v = vouchers.find(number).orElseThrow(() -> new CaseNotFound("certificate " + number));
    String font = font();
    if (font == null) {
      throw new IllegalStateException("no Chinese font is installed to print the certificate: set cardcase.certificate.font");
    }
    byte[] pdf = render(v, font);
    audit.append(AuditTrail.ofCase(v.caseNumber()), "certificate-printed:" + UUID.randomUUID(), by, channel, "CERTIFICATE_PRINTED",
        Map.of("certificate", v.number(), "state", v.state().name()));
    return pdf;
  }

  private byte[] render(Vouchers.Voucher v, String fontFile) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Document doc = new Document(PageSize.A5, 36, 36, 36, 36);
    try {
      PdfWriter writer = PdfWriter.getInstance(doc, out);
      doc.addTitle("社会保障卡领卡凭证 " + v.number());
      doc.open();
      BaseFont bf = BaseFont.createFont(fontFile, BaseFont.IDENTITY_H, BaseFont.EMBEDDED);
      PdfContentByte cb = writer.getDirectContent();
      Rectangle page = doc.getPageSize();
      float left = 40;
      float y = page.getHeight() - 60;
      text(cb, bf, 17, left, y, "社会保障卡领卡凭证");
      text(cb, bf, 10, left, y - 18, "（补卡期间作为临时就医凭证使用）");
      y -= 50;
      qr(cb, v.number(), page.getWidth() - 40 - 110, y - 95, 110);
      text(cb, bf, 8, page.getWidth() - 40 - 104, y - 108, "医疗机构扫码核验");
      String validity = switch (v.state()) {
        case VALID -> "有效：可作为临时就医凭证，至领取新卡时止";
        case USED -> "已失效：新卡已领取";
        case EXPIRED -> "已失效：逾期未领取新卡";
        case REVOKED -> "已作废（补卡已撤销）";
      };
      String[][] rows = {
          {"凭证号", v.number()},
          {"补卡单号", v.caseNumber()},
          {"持卡人", Masking.name(v.holderName())},
          {"身份证号", Masking.idNumber(v.holderIdNumber())},
          {"受理日期", DAY.format(LocalDate.ofInstant(v.issuedAt(), WorkingDayCalendar.ZONE))},
          {"领卡日期", DAY.format(v.pickupDate()) + "起" + (v.pickupProvisional() ? "（暂定）" : "")},
          {"领卡地点", servicePoint},
          {"凭证状态", validity}};
      for (String[] row : rows) {
        text(cb, bf, 10, left, y, row[0]);
        text(cb, bf, 11, left + 62, y, row[1]);
        y -= 22;
      }
      y -= 8;
      // the working days this case's pickup date was counted with (an analyst may have changed the rule since)
      int pickupWorkingDays = deadlines.find(v.caseNumber(), ReissueProcess.VAR_PICKUP_DUE_AT)
          .map(CaseDeadlines.Deadline::workingDays).orElse(rules.getReissuePickupWorkingDays());
      List<String> notes = new ArrayList<>(List.of(
          "1. 受理之日起满" + pickupWorkingDays + "个工作日后，请办理补卡的人（持卡人或受托人）携带其本人居民身份证和本凭证领取新卡。",
          "2. 领卡前，本凭证可在定点医疗机构作为临时就医凭证；医疗机构扫描二维码核验。",
          "3. 领取新卡后本凭证自动失效，原卡同时注销。",
          "4. 请妥善保管，遗失可在服务网点或自助终端重新打印。"));
      if (v.state() == Vouchers.State.REVOKED && v.endReason() != null) {
        notes.add(0, "作废原因：" + v.endReason());
      }
      if (v.pickupProvisional()) {
        // a date counted into a year whose holiday arrangement is not yet published
        notes.add("5. 领卡日期为暂定：" + v.pickupDate().getYear() + "年节假日安排尚未公布，如有调整将短信告知，可重新打印本凭证。");
      }
      for (String n : notes) {
        // an A5 line holds about 38 characters at this size: longer notes go on, indented, on the next line
        for (int from = 0; from < n.length(); from += from == 0 ? 38 : 36) {
          String part = n.substring(from, Math.min(n.length(), from + (from == 0 ? 38 : 36)));
          text(cb, bf, 8.5f, from == 0 ? left : left + 12, y, part);
          y -= 13;
        }
        y -= 2;
      }
      doc.close();
    } catch (Exception e) {
      throw new IllegalStateException("the certificate " + v.number() + " could not be printed: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  private static void text(PdfContentByte cb, BaseFont bf, float size, float x, float y, String s) {
    cb.beginText();
    cb.setFontAndSize(bf, size);
    cb.setTextMatrix(x, y);
    cb.showText(s);
    cb.endText();
  }

  /** The number as a QR code, drawn as vector squares so it scans at any print resolution. */
  private static void qr(PdfContentByte cb, String content, float x, float y, float size) throws WriterException {
    BitMatrix m = new QRCodeWriter().encode(content, BarcodeFormat.QR_CODE, 0, 0,
        Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 2));
    float cell = size / m.getWidth();
    cb.setRGBColorFill(0, 0, 0);
    for (int r = 0; r < m.getHeight(); r++) {
      for (int c = 0; c < m.getWidth(); c++) {
        if (m.get(c, r)) {
          cb.rectangle(x + c * cell, y + size - (r + 1) * cell, cell, cell);
        }
      }
    }
    cb.fill();
  }
}
