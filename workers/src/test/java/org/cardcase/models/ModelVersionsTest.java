package org.cardcase.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.cardcase.FlowTest;
import org.cardcase.flow.ModelVersions;
import org.cardcase.flow.ProcessCatalog;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Each process model's versions are kept in PostgreSQL, numbered there, whatever the engine numbers. */
class ModelVersionsTest extends FlowTest {
  @Autowired ModelVersions versions;

  @Test
  void aChangedModelBecomesTheNextVersionAndAnUnchangedOneDoesNot() throws Exception {
    byte[] shipped;
    try (InputStream in = getClass().getResourceAsStream("/bpmn/card-production.bpmn")) {
      shipped = in.readAllBytes();
    }
    // the application kept the shipped model when it started
    ModelVersions.Version current = latest("card-production");
    assertThat(versions.file("card-production", current.version())).hasValueSatisfying(b -> assertThat(b).isEqualTo(shipped));
    assertThat(current.fileName()).isEqualTo("card-production.bpmn");

    byte[] changed = new String(shipped, StandardCharsets.UTF_8).replace("Production deadline passed", "Production is late")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(versions.record(ProcessCatalog.on(Map.of("card-production.bpmn", changed)), "TEST")).isEqualTo(1);
    ModelVersions.Version next = latest("card-production");
    assertThat(next.version()).isEqualTo(current.version() + 1);
    assertThat(next.source()).isEqualTo("TEST");
    assertThat(versions.file("card-production", next.version())).hasValueSatisfying(b -> assertThat(b).isEqualTo(changed));
    // the same content again is no new version; the earlier one is still there to download
    assertThat(versions.record(ProcessCatalog.on(Map.of("card-production.bpmn", changed)), "TEST")).isZero();
    assertThat(versions.file("card-production", current.version())).hasValueSatisfying(b -> assertThat(b).isEqualTo(shipped));
    // the next start ships the same model again: the later version stays current (a release that
    // ships a changed model would become the next version)
    assertThat(versions.recordShipped()).isZero();
    assertThat(latest("card-production").version()).isEqualTo(current.version() + 1);
  }

  private ModelVersions.Version latest(String processId) {
    return versions.all().stream().filter(v -> v.processId().equals(processId)).findFirst().orElseThrow();
  }
}
