package org.cardcase.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The bpmn-js modeler with the Camunda 8 properties panel and the Camunda 8.8 compatibility lint
 * (bpmnlint), bundled at build time from npm (the bpmn.io watermark its licence asks for stays on
 * the canvas). Each edit comes back a moment later
 * as a {@link ModelChanged} for the server to save; elements at fault are marked on the canvas.
 */
@Tag("bpmn-modeler")
@NpmPackage(value = "bpmn-js", version = "17.9.2")
@NpmPackage(value = "bpmn-js-properties-panel", version = "5.65.3")
@NpmPackage(value = "@bpmn-io/properties-panel", version = "3.55.0")
@NpmPackage(value = "camunda-bpmn-js-behaviors", version = "1.9.1")
@NpmPackage(value = "zeebe-bpmn-moddle", version = "1.9.0")
@NpmPackage(value = "camunda-bpmn-moddle", version = "7.0.1")
@NpmPackage(value = "bpmn-js-bpmnlint", version = "0.24.0")
@NpmPackage(value = "bpmnlint", version = "11.15.0")
@NpmPackage(value = "bpmnlint-plugin-camunda-compat", version = "2.61.0")
@JsModule("./bpmn-modeler.js")
public class BpmnModeler extends Component implements HasSize {

  public BpmnModeler(String xml, boolean readonly) {
    getElement().setProperty("readonly", readonly);
    getElement().setProperty("xml", xml);
    setWidthFull();
    setHeight("560px");
  }

  /** Loads another model (a reload after someone else saved). */
  public void setXml(String xml) {
    getElement().setProperty("xml", xml);
  }

  /** Marks these elements as at fault. */
  public void markProblems(Collection<String> elementIds) {
    getElement().setProperty("problems", String.join(",", elementIds));
  }

  /** Colours the draft's changes (kind ADDED or CHANGED to element ids) on the canvas. */
  public void markChanges(Map<String, List<String>> changes) {
    try {
      getElement().setProperty("changes", new ObjectMapper().writeValueAsString(changes));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public Registration onChange(ComponentEventListener<ModelChanged> listener) {
    return addListener(ModelChanged.class, listener);
  }

  /** The analyst changed the model: its XML as it is now. */
  @DomEvent("model-changed")
  public static class ModelChanged extends ComponentEvent<BpmnModeler> {
    private final String xml;

    public ModelChanged(BpmnModeler source, boolean fromClient, @EventData("event.detail.xml") String xml) {
      super(source, fromClient);
      this.xml = xml;
    }

    public String xml() {
      return xml;
    }
  }
}
