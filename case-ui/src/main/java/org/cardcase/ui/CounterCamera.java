package org.cardcase.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;

/** The counter's camera: the picture taken goes into an upload as if the clerk had chosen a file. */
@Tag("cardcase-camera")
@JsModule("./counter-camera.js")
public class CounterCamera extends Component {
  public CounterCamera(String id, String uploadId, String start, String take, String none, String taken) {
    setId(id);
    getElement().setAttribute("for", uploadId);
    getElement().setAttribute("label-start", start);
    getElement().setAttribute("label-take", take);
    getElement().setAttribute("label-none", none);
    getElement().setAttribute("label-taken", taken);
  }
}
