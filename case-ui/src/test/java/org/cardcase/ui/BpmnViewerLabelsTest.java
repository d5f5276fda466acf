package org.cardcase.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The diagram speaks the reader's language: names kept with the model first, then the workspace's step names. */
class BpmnViewerLabelsTest {
  static final String MODEL = """
      <?xml version="1.0" encoding="UTF-8"?>
      <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
          id="d" targetNamespace="t">
        <bpmn:process id="p" name="A process" isExecutable="true">
          <bpmn:userTask id="compare-photos" name="Compare photos"/>
          <bpmn:exclusiveGateway id="new-gateway" name="Anything else?">
            <bpmn:extensionElements><zeebe:properties><zeebe:property name="name@zh-CN" value="还有别的吗？"/></zeebe:properties>
            </bpmn:extensionElements>
          </bpmn:exclusiveGateway>
          <bpmn:serviceTask id="unknown-step" name="Added by an analyst"/>
        </bpmn:process>
      </bpmn:definitions>
      """;

  static String shown(Locale locale) {
    Map<String, String> zh = Map.of("step.compare-photos", "人工比对照片", "step.new-gateway", "不该用这个");
    return new String(BpmnViewer.inLanguage(MODEL.strip().getBytes(StandardCharsets.UTF_8), locale,
        k -> zh.getOrDefault(k, "!" + k)), StandardCharsets.UTF_8);
  }

  @Test
  void aChineseReaderSeesChineseNamesWithTheModelsOwnFirst() {
    String xml = shown(Locale.SIMPLIFIED_CHINESE);
    assertThat(xml).contains("name=\"人工比对照片\"").doesNotContain("Compare photos");
    assertThat(xml).as("the name kept with the model wins").contains("name=\"还有别的吗？\"").doesNotContain("不该用这个");
    assertThat(xml).as("no name for the language: the model's").contains("name=\"Added by an analyst\"");
  }

  @Test
  void anEnglishReaderSeesTheModelAsDeployed() {
    assertThat(shown(Locale.ENGLISH)).contains("name=\"Compare photos\"").contains("name=\"Anything else?\"");
  }
}
