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
import java.util.List;
import java.util.Map;

/**
 * A Chart.js chart (bundled from npm at build time). The server sets its configuration as JSON;
 * a click on a bar or point comes back with the label's and dataset's index. The figures are also
 * kept as text in {@code data-summary}, for screen readers and for tests without a browser.
 */
@Tag("cardcase-chart")
@NpmPackage(value = "chart.js", version = "4.5.1")
@JsModule("./cardcase-chart.js")
public class ChartView extends Component implements HasSize {
  private static final ObjectMapper JSON = new ObjectMapper();

  public record Series(String label, List<? extends Number> values, String colour) {}

  public ChartView(String height) {
    setWidthFull();
    setHeight(height);
  }

  /** Sets the chart: its type (bar, line), the labels along the axis, the series and Chart.js options. */
  public void show(String type, List<String> labels, List<Series> series, Map<String, Object> options) {
    var datasets = series.stream().map(s -> Map.of("label", s.label(), "data", s.values(), "backgroundColor", s.colour(),
        "borderColor", s.colour(), "tension", 0.2, "maxBarThickness", 40)).toList();
    try {
      getElement().setProperty("config", JSON.writeValueAsString(Map.of("type", type,
          "data", Map.of("labels", labels, "datasets", datasets), "options", options)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder summary = new StringBuilder();
    for (Series s : series) {
      summary.append(s.label()).append(": ");
      for (int i = 0; i < labels.size() && i < s.values().size(); i++) {
        summary.append(labels.get(i)).append('=').append(s.values().get(i)).append(i + 1 < labels.size() ? ", " : "");
      }
      summary.append("; ");
    }
    getElement().setAttribute("data-summary", summary.toString());
  }

  public Registration onClick(ComponentEventListener<Click> listener) {
    getElement().setAttribute("clickable", true);
    return addListener(Click.class, listener);
  }

  /** A bar or point was clicked: the index of its label and of its series. */
  @DomEvent("chart-click")
  public static class Click extends ComponentEvent<ChartView> {
    private final int index;
    private final int dataset;

    public Click(ChartView source, boolean fromClient, @EventData("event.detail.index") int index,
        @EventData("event.detail.dataset") int dataset) {
      super(source, fromClient);
      this.index = index;
      this.dataset = dataset;
    }

    public int index() {
      return index;
    }

    public int dataset() {
      return dataset;
    }
  }
}
