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
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * The bpmn-js viewer showing a deployed model with the elements a case is at highlighted, or, on
 * the dashboard, each element coloured and labelled by the time cases spend there.
 */
@Tag("bpmn-viewer")
@NpmPackage(value = "bpmn-js", version = "17.9.2")
@JsModule("./bpmn-viewer.js")
public class BpmnViewer extends Component implements HasSize {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** How an element looks on the heatmap: 0 (short) to 1 (longest) colours it (below 0: not coloured), the label says the figures. */
  public record Heat(double level, String label, long waiting) {}

  public BpmnViewer(byte[] xml, Set<String> highlighted) {
    getElement().setProperty("xml", new String(xml, StandardCharsets.UTF_8));
    getElement().setProperty("highlight", String.join(",", highlighted));
    // kept for tests and tools that read the state without a browser
    getElement().setAttribute("data-highlight", String.join(",", highlighted));
    setWidthFull();
    setHeight("320px");
  }

  /** Colours and labels the elements (by id); elements not in the map stay as drawn. */
  public void showHeat(Map<String, Heat> heat) {
    try {
      getElement().setProperty("heat", JSON.writeValueAsString(heat));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder summary = new StringBuilder();
    heat.forEach((id, h) -> summary.append(id).append(": ").append(h.label()).append(" (").append(h.waiting()).append("); "));
    getElement().setAttribute("data-heat", summary.toString());
  }

  public Registration onElementClick(ComponentEventListener<ElementClick> listener) {
    return addListener(ElementClick.class, listener);
  }

  /** An element of the diagram was clicked. */
  @DomEvent("element-click")
  public static class ElementClick extends ComponentEvent<BpmnViewer> {
    private final String elementId;

    public ElementClick(BpmnViewer source, boolean fromClient, @EventData("event.detail.id") String elementId) {
      super(source, fromClient);
      this.elementId = elementId;
    }

    public String elementId() {
      return elementId;
    }
  }
}
