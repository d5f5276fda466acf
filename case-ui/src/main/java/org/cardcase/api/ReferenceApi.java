package org.cardcase.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.ReferenceData;
import org.cardcase.shared.ReferenceData.Item;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Reference data channels and forms use: banks, relationships, channels, document kinds. */
@RestController
public class ReferenceApi {
  private final ReferenceData reference;

  public ReferenceApi(ReferenceData reference) {
    this.reference = reference;
  }

  @GetMapping("/api/reference")
  Map<String, List<Item>> all() {
    Map<String, List<Item>> out = new LinkedHashMap<>();
    for (ReferenceData.Kind k : ReferenceData.Kind.values()) {
      out.put(k.name(), reference.items(k));
    }
    return out;
  }

  @GetMapping("/api/reference/{kind}")
  List<Item> of(@PathVariable String kind) {
    ReferenceData.Kind k;
    try {
      k = ReferenceData.Kind.valueOf(kind.toUpperCase().replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw FieldErrors.of("kind", "one of " + List.of(ReferenceData.Kind.values()) + ", not '" + kind + "'");
    }
    return reference.items(k);
  }
}
