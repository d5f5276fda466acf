package org.cardcase.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.cardcase.cards.CardState;
import org.junit.jupiter.api.Test;

/** The terminal says everything in Chinese and in English, each refusal of a card in its own words. */
class TerminalTranslationsTest {
  static final String[] FILES = {"translations.properties", "translations_zh.properties", "translations_zh_CN.properties"};

  static Properties load(String file) throws IOException {
    Properties p = new Properties();
    try (var in = TerminalTranslationsTest.class.getResourceAsStream("/vaadin-i18n/" + file)) {
      assertThat(in).as(file).isNotNull();
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return p;
  }

  @Test
  void everyStateInWhichACardIdentifiesNobodyHasItsOwnReasonInBothLanguages() throws IOException {
    Properties en = load("translations.properties");
    Properties zh = load("translations_zh.properties");
    for (CardState s : CardState.values()) {
      if (s.identifiesHolder()) {
        continue;
      }
      String key = "terminal.identify.refused." + s.name();
      assertThat(en.getProperty(key)).as(key + " (en)").isNotBlank().containsIgnoringCase("ID card");
      assertThat(zh.getProperty(key)).as(key + " (zh)").isNotBlank().contains("请刷身份证");
    }
    assertThat(en.getProperty("terminal.identify.refused.LOST")).isNotEqualTo(en.getProperty("terminal.identify.refused.SUSPENDED"));
    assertThat(zh.getProperty("terminal.identify.refused.LOST")).isEqualTo("此卡已挂失，不能用于身份识别；请刷身份证");
  }

  @Test
  void everyTerminalTextIsInChineseAndInEnglish() throws IOException {
    Properties en = load(FILES[0]);
    for (String file : FILES) {
      Properties other = load(file);
      en.stringPropertyNames().stream().filter(k -> k.startsWith("terminal."))
          .forEach(k -> assertThat(other.getProperty(k)).as(k + " in " + file).isNotBlank());
      other.stringPropertyNames().stream().filter(k -> k.startsWith("terminal."))
          .forEach(k -> assertThat(en.getProperty(k)).as(k + " in English").isNotBlank());
    }
  }
}
