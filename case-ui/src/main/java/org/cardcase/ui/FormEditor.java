package org.cardcase.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.DomEvent;
import com.vaadin.flow.component.EventData;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.component.dependency.NpmPackage;
import com.vaadin.flow.shared.Registration;

/**
 * The form-js editor for a task form draft, bundled at build time from npm. Each edit comes back a
 * moment later as a {@link FormChanged} for the server to save.
 */
@Tag("form-editor")
@NpmPackage(value = "@bpmn-io/form-js-editor", version = "1.23.0")
@NpmPackage(value = "@bpmn-io/form-js-viewer", version = "1.23.0")
@JsModule("./form-editor.js")
public class FormEditor extends Component implements HasSize {

  public FormEditor(String json, boolean readonly) {
    getElement().setProperty("readonly", readonly);
    getElement().setProperty("schema", json);
    setWidthFull();
  }

  public Registration onChange(ComponentEventListener<FormChanged> listener) {
    return addListener(FormChanged.class, listener);
  }

  /** The analyst changed the form: its JSON as it is now. */
  @DomEvent("form-changed")
  public static class FormChanged extends ComponentEvent<FormEditor> {
    private final String json;

    public FormChanged(FormEditor source, boolean fromClient, @EventData("event.detail.json") String json) {
      super(source, fromClient);
      this.json = json;
    }

    public String json() {
      return json;
    }
  }
}
