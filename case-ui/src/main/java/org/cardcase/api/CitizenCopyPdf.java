package org.cardcase.api;

import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.ColumnText;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfPageEventHelper;
import com.lowagie.text.pdf.PdfWriter;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.citizencopy.CitizenCopies;
import org.cardcase.shared.ReferenceData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The citizen's copy as a PDF: A4, headings in Chinese then English, each part a table whose
 * header row repeats on every page it runs over, dates as a zh-CN reader writes them
 * ("2026年12月7日 14:05"), page numbers in the footer. Printed with OpenPDF, the library the pickup
 * certificate already uses, and a CJK font: {@code cardcase.citizen-copy.font} (a file, with
 * {@code ,index} for a face of a collection), else {@code cardcase.certificate.font}, else the
 * first of the usual Noto CJK and WenQuanYi paths that exists; none is a clear 503.
 */
@Component
public class CitizenCopyPdf {
  private static final Logger log = LoggerFactory.getLogger(CitizenCopyPdf.class);
  /** Where a CJK font is found on common Linux installs (index 2 of Noto Sans CJK is Simplified Chinese). */
  static final List<String> FONT_CANDIDATES = List.of(
      "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc,2",
      "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc,2",
      "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc,2",
      "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc,2",
      "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc,0",
      "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc,0");
  static final DateTimeFormatter WHEN = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
      .withLocale(Locale.SIMPLIFIED_CHINESE).withZone(WorkingDayCalendar.ZONE);
  static final DateTimeFormatter DAY = DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.SIMPLIFIED_CHINESE);

  /** No CJK font to print Chinese with. */
  public static class NoFont extends RuntimeException {
    NoFont(String message) {
      super(message);
    }
  }

  private final String configured;
  private final ReferenceData reference;

  public CitizenCopyPdf(@Value("${cardcase.citizen-copy.font:${cardcase.certificate.font:}}") String configured,
      ReferenceData reference) {
    this.configured = configured == null ? "" : configured.strip();
    this.reference = reference;
    if (font() == null) {
      log.warn("no CJK font for the citizen's copy as PDF: {}", missing());
    }
  }

  /** The font file (with ",index" for a collection) to print with, or null. */
  String font() {
    if (!configured.isEmpty()) {
      return exists(configured) ? configured : null;
    }
    return FONT_CANDIDATES.stream().filter(CitizenCopyPdf::exists).findFirst().orElse(null);
  }

  private static boolean exists(String font) {
    int comma = font.lastIndexOf(',');
    String file = comma > 0 && font.substring(comma + 1).matches("\\d+") ? font.substring(0, comma) : font;
    return new File(file).canRead();
  }

  private String missing() {
    return configured.isEmpty()
        ? "no CJK font installed (tried " + FONT_CANDIDATES + "); install fonts-noto-cjk or set cardcase.citizen-copy.font"
        : "the font cardcase.citizen-copy.font names (" + configured + ") cannot be read";
  }

  /** Throws {@link NoFont} (with what to do) when no CJK font can be read. */
  void requireFont() {
    if (font() == null) {
      throw new NoFont("the copy cannot be printed as PDF here: " + missing() + "; ask for it as JSON meanwhile");
    }
  }

  byte[] render(CitizenCopies.Copy c) {
    requireFont();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Document doc = new Document(PageSize.A4, 36, 36, 40, 44);
    try {
      PdfWriter writer = PdfWriter.getInstance(doc, out);
      BaseFont bf = BaseFont.createFont(font(), BaseFont.IDENTITY_H, BaseFont.EMBEDDED);
      Font title = new Font(bf, 16);
      Font heading = new Font(bf, 12);
      Font head = new Font(bf, 8, Font.NORMAL, Color.DARK_GRAY);
      Font body = new Font(bf, 8);
      Font small = new Font(bf, 7, Font.NORMAL, Color.GRAY);
      writer.setPageEvent(new PdfPageEventHelper() {
        @Override
        public void onEndPage(PdfWriter w, Document d) {
          ColumnText.showTextAligned(w.getDirectContent(), Element.ALIGN_CENTER,
              new Phrase("第 " + w.getPageNumber() + " 页 / Page " + w.getPageNumber(), small),
              (d.left() + d.right()) / 2, d.bottom() - 20, 0);
        }
      });
      doc.addTitle("个人信息副本 Copy of your personal data");
      doc.open();
      doc.add(new Paragraph(both("copy.title"), title));
      doc.add(new Paragraph(both("copy.made") + "：" + when(c.madeAt()) + " · " + both("copy.through") + "："
          + zh("channel." + c.channel(), c.channel()) + (c.authenticatedBy() == null ? "" : "（" + c.authenticatedBy() + "）"), body));
      doc.add(new Paragraph(both("copy.person") + "：" + nz(c.name()) + " · " + c.idNumber(), body));
      doc.add(new Paragraph(both("copy.note"), small));

      section(doc, heading, "copy.section.cases");
      table(doc, head, body, c.cases(), new String[] {"copy.col.caseNumber", "copy.col.kind", "copy.col.status", "copy.col.opened",
          "copy.col.closed"}, new float[] {3, 3, 3, 3, 3}, e -> new String[] {e.caseNumber(), zh("case.type." + e.caseType(),
          e.caseType()), zh("case.status." + e.status(), e.status()) + " · " + zh("step." + e.currentStep(), e.currentStep()),
          when(e.openedAt()), when(e.closedAt())});

      section(doc, heading, "copy.section.steps");
      List<String[]> steps = new ArrayList<>();
      for (var e : c.cases()) {
        e.steps().forEach(s -> steps.add(new String[] {e.caseNumber(), zh("step." + s.step(), s.step()), when(s.enteredAt()),
            when(s.leftAt())}));
      }
      table(doc, head, body, steps, new String[] {"copy.col.caseNumber", "copy.col.step", "copy.col.entered", "copy.col.left"},
          new float[] {3, 4, 3, 3}, r -> r);

      section(doc, heading, "copy.section.deadlines");
      List<String[]> due = new ArrayList<>();
      for (var e : c.cases()) {
        e.deadlines().forEach(d -> due.add(new String[] {e.caseNumber(), zh("deadline." + d.name(), d.name()), day(d.date())
            + (d.provisional() ? "（暂定 provisional）" : ""), d.running() ? String.valueOf(d.workingDaysLeft()) : "—"}));
      }
      table(doc, head, body, due, new String[] {"copy.col.caseNumber", "copy.col.deadline", "copy.col.date", "copy.col.daysLeft"},
          new float[] {3, 4, 3, 2}, r -> r);

      section(doc, heading, "copy.section.cards");
      table(doc, head, body, c.cards(), new String[] {"copy.col.card", "copy.col.cardNumber", "copy.col.insuranceNumber",
          "copy.col.state", "copy.col.bank", "copy.col.caseNumber"}, new float[] {3, 3, 3, 2, 3, 3}, k -> new String[] {k.cardId(),
          nz(k.cardNumber()), nz(k.medicalInsuranceNumber()), zh("card.state." + k.state(), k.state()),
          k.issuingBank() == null ? "" : reference.find(ReferenceData.Kind.BANK, k.issuingBank()).map(ReferenceData.Item::nameZh)
              .orElse(k.issuingBank()), nz(k.caseNumber())});
      List<String[]> moves = new ArrayList<>();
      for (var k : c.cards()) {
        k.history().forEach(t -> moves.add(new String[] {k.cardId(), when(t.at()), (t.from() == null ? "" : zh("card.state."
            + t.from(), t.from()) + " → ") + zh("card.state." + t.to(), t.to()), zh("channel." + t.channel(), nz(t.channel())),
            who(t.by())}));
      }
      table(doc, head, body, moves, new String[] {"copy.col.card", "copy.col.when", "copy.col.state", "copy.col.via", "copy.col.who"},
          new float[] {3, 3, 4, 2, 3}, r -> r);

      section(doc, heading, "copy.section.family");
      table(doc, head, body, c.family(), new String[] {"copy.col.relationship", "copy.col.name", "copy.col.idNumber",
          "copy.col.eCard", "copy.col.linked"}, new float[] {2, 2, 4, 3, 3}, f -> new String[] {reference.find(
          ReferenceData.Kind.RELATIONSHIP, f.relationship()).map(ReferenceData.Item::nameZh).orElse(f.relationship()), f.name(),
          f.idNumber(), nz(f.childECard()), when(f.linkedAt())});

      section(doc, heading, "copy.section.vouchers");
      table(doc, head, body, c.vouchers(), new String[] {"copy.col.voucher", "copy.col.caseNumber", "copy.col.state",
          "copy.col.collectionDate", "copy.col.issued"}, new float[] {4, 3, 2, 3, 3}, v -> new String[] {v.number(), v.caseNumber(),
          v.state() + (v.endReason() == null ? "" : "（" + v.endReason() + "）"), day(v.pickupDate())
          + (v.pickupProvisional() ? "（暂定）" : ""), when(v.issuedAt())});

      section(doc, heading, "copy.section.lossReports");
      table(doc, head, body, c.lossReports(), new String[] {"copy.col.caseNumber", "copy.col.status", "copy.col.opened",
          "copy.col.closed"}, new float[] {3, 3, 3, 3}, e -> new String[] {e.caseNumber(), zh("case.status." + e.status(),
          e.status()), when(e.openedAt()), when(e.closedAt())});

      section(doc, heading, "copy.section.notifications");
      table(doc, head, body, c.notifications(), new String[] {"copy.col.when", "copy.col.caseNumber", "copy.col.text"},
          new float[] {3, 3, 9}, n -> new String[] {when(n.sentAt()), n.caseNumber(), n.text()});

      section(doc, heading, "copy.section.looks");
      doc.add(new Paragraph(both("copy.looks.note"), small));
      table(doc, head, body, c.looks(), new String[] {"copy.col.when", "copy.col.caseNumber", "copy.col.what", "copy.col.who",
          "copy.col.via", "copy.col.why", "copy.col.reference"}, new float[] {3, 3, 3, 3, 2, 3, 3}, l -> new String[] {when(l.at()),
          nz(l.caseNumber()), zh("audit." + l.action(), l.action()), who(l.who()), zh("channel." + l.via(), nz(l.via())),
          nz(l.reason()) + (l.authenticatedBy() == null ? "" : (l.reason() == null ? "" : " · ")
              + zh("audit.field.authenticatedBy", "authenticatedBy") + " " + l.authenticatedBy()),
          l.reference()});
      doc.close();
    } catch (DocumentException | IOException e) {
      throw new IllegalStateException("the copy could not be printed: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  private static void section(Document doc, Font heading, String key) {
    Paragraph p = new Paragraph(both(key), heading);
    p.setSpacingBefore(10);
    p.setSpacingAfter(4);
    doc.add(p);
  }

  private static <T> void table(Document doc, Font head, Font body, List<T> rows, String[] headers, float[] widths,
      Function<T, String[]> cells) {
    if (rows.isEmpty()) {
      doc.add(new Paragraph(both("copy.none"), body));
      return;
    }
    PdfPTable t = new PdfPTable(widths);
    t.setWidthPercentage(100);
    t.setHeaderRows(1); // repeated on each page the table runs over
    t.setSplitLate(true); // a row moves to the next page whole (only a row taller than a page is split)
    for (String h : headers) {
      PdfPCell cell = new PdfPCell(new Phrase(ProgressApi.words(h, h).get("zh") + "\n" + ProgressApi.words(h, h).get("en"), head));
      cell.setBackgroundColor(new Color(235, 235, 235));
      t.addCell(cell);
    }
    for (T row : rows) {
      for (String v : cells.apply(row)) {
        t.addCell(new PdfPCell(new Phrase(v == null ? "" : v, body)));
      }
    }
    doc.add(t);
  }

  /** A member of staff by role and work group, a channel by name: never an account name. */
  private static String who(CitizenCopies.Who w) {
    return switch (w.kind()) {
      case "STAFF" -> {
        List<String> parts = new ArrayList<>();
        w.roles().forEach(r -> parts.add(zh("role." + r, r)));
        w.workGroups().forEach(g -> parts.add(zh("group." + g, g)));
        yield zh("copy.who.staff", "staff") + (parts.isEmpty() ? "" : "（" + String.join("，", parts) + "）");
      }
      case "CHANNEL" -> zh("channel." + w.channel(), w.channel());
      case "CITIZEN" -> zh("actor.citizen", "citizen");
      default -> zh("actor.system", "system");
    };
  }

  /** "中文 English" of a key. */
  static String both(String key) {
    var w = ProgressApi.words(key, key);
    return w.get("zh") + " " + w.get("en");
  }

  private static String zh(String key, String code) {
    return ProgressApi.words(key, code).get("zh");
  }

  private static String when(Instant i) {
    return i == null ? "" : WHEN.format(i);
  }

  private static String day(LocalDate d) {
    return d == null ? "" : DAY.format(d);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
