package org.cardcase.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.server.StreamResource;
import java.io.ByteArrayInputStream;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.shared.Channels;
import org.cardcase.shared.IdNumber;
import org.cardcase.verification.PhotosOnFile;
import org.cardcase.verification.PopulationRegistry;

/**
 * The registry's photo on file on the counter's application form (guide 001: the system shows a
 * default photo the applicant may choose): the clerk shows it for the ID number on the form, and
 * only then may tick "use the photo on file". Changing the ID number hides it and clears the choice.
 * Each showing is audited as a view of the person's data by the signed-in clerk.
 */
class PhotoOnFilePreview extends VerticalLayout {
  private final CounterHall hall;
  private final TextField idNumber;
  private final Checkbox choice;
  private final Image image = new Image();
  private final Span caption = new Span();
  private final Div error = new Div();
  private String shownFor;

  PhotoOnFilePreview(CounterHall hall, TextField idNumber, Checkbox choice) {
    this.hall = hall;
    this.idNumber = idNumber;
    this.choice = choice;
    setPadding(false);
    setSpacing(false);
    setId("application-photo-on-file");
    Button show = new Button(getTranslation("counter.photoOnFile.show"), e -> show());
    show.setId("application-photo-on-file-show");
    image.setId("application-photo-on-file-image");
    image.setAlt(getTranslation("counter.photoOnFile.alt"));
    image.setWidth("179px");
    image.getStyle().set("border", "1px solid var(--lumo-contrast-20pct)");
    image.setVisible(false);
    caption.setId("application-photo-on-file-caption");
    error.setId("application-photo-on-file-error");
    error.getStyle().set("color", "var(--lumo-error-text-color)");
    add(show, image, caption, error);
    choice.setEnabled(false);
    choice.setHelperText(getTranslation("counter.photoOnFile.first"));
    // another person's number: what was shown is not theirs
    idNumber.addValueChangeListener(e -> {
      if (shownFor != null && !shownFor.equals(normal(e.getValue()))) {
        hide();
      }
    });
  }

  private static String normal(String v) {
    return v == null ? "" : v.strip().toUpperCase(Locale.ROOT);
  }

  private void show() {
    hide();
    String v = normal(idNumber.getValue());
    IdNumber.Check check = IdNumber.check(v, LocalDate.now(hall.clock.withZone(WorkingDayCalendar.ZONE)));
    if (!check.valid()) {
      error.setText(getTranslation("counter.photoOnFile.badId", String.join("; ", check.errors())));
      return;
    }
    try {
      PhotosOnFile.Shown s = hall.photos.showAtCounter(check.idNumber().value(), hall.staff.person(), Channels.COUNTER);
      StreamResource res = new StreamResource("photo-on-file." + (s.contentType().endsWith("jpeg") ? "jpg" : "png"),
          () -> new ByteArrayInputStream(s.photo()));
      res.setContentType(s.contentType());
      res.setCacheTime(0);
      image.setSrc(res);
      image.setVisible(true);
      caption.setText(getTranslation("counter.photoOnFile.shown",
          LocalTime.now(hall.clock.withZone(WorkingDayCalendar.ZONE)).format(DateTimeFormatter.ofPattern("HH:mm"))));
      shownFor = check.idNumber().value();
      choice.setEnabled(true);
      choice.setHelperText(null);
    } catch (PhotosOnFile.NoPhotoOnFile e) {
      error.setText(getTranslation("counter.photoOnFile.none"));
    } catch (PopulationRegistry.Unavailable e) {
      error.setText(getTranslation("counter.photoOnFile.unavailable"));
    } catch (PhotosOnFile.NotAtCounter e) {
      error.setText(getTranslation("counter.lookup.notAtCounter"));
    }
  }

  private void hide() {
    shownFor = null;
    image.setVisible(false);
    caption.setText("");
    error.setText("");
    choice.setValue(false);
    choice.setEnabled(false);
    choice.setHelperText(getTranslation("counter.photoOnFile.first"));
  }

  /** The ID number whose photo is on screen, or null. */
  String shownFor() {
    return shownFor;
  }
}
