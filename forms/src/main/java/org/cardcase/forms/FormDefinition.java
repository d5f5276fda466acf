package org.cardcase.forms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A form-js form definition from {@code forms/<id>.form}. The same file drives the task screen and
 * the server-side check of what is submitted, so the two cannot disagree.
 */
public final class FormDefinition {
  private static final Set<String> INPUT_TYPES =
      Set.of("textfield", "textarea", "number", "radio", "select", "checkbox", "datetime", "checklist");

  /** One input field of the form. */
  public record Field(String key, String type, String label, boolean required, Integer minLength, Integer maxLength,
      String pattern, List<String> values, String hiddenUnlessKey, String hiddenUnlessValue, boolean hiddenWhenEqual,
      List<String> valueLabels) {

    /** Whether the field is shown (and so can be required) given the values entered so far. */
    public boolean shown(Map<String, Object> entered) {
      return hiddenUnlessKey == null
          || hiddenWhenEqual != hiddenUnlessValue.equals(String.valueOf(entered.get(hiddenUnlessKey)));
    }

    /** Labels are written "English / 中文": the part for the language asked. */
    public static String inLanguage(String bilingual, boolean chinese) {
      int i = bilingual.indexOf(" / ");
      if (i < 0) {
        return bilingual;
      }
      return chinese ? bilingual.substring(i + 3).strip() : bilingual.substring(0, i).strip();
    }
  }

  private final String id;
  private final List<Field> fields;

  private FormDefinition(String id, List<Field> fields) {
    this.id = id;
    this.fields = List.copyOf(fields);
  }

  /** Loads the form named by a task's form key ({@code cardcase:<id>}). */
  public static FormDefinition forFormKey(String formKey) {
    byte[] file = file(formKey).orElseThrow(() -> new IllegalArgumentException("no form " + idOf(formKey)));
    try {
      return parse(new ObjectMapper().readTree(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A form from its file's content; refused if it is not a form this system can show and check. */
  public static FormDefinition of(byte[] json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a form-js JSON file: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.path("components").isArray() || root.path("id").asText("").isBlank()) {
      throw new IllegalArgumentException("not a form-js form: it needs an id and components");
    }
    return parse(root);
  }

  /** The file of the form named by a form key ({@code cardcase:<id>}), as shipped; empty if there is none. */
  public static Optional<byte[]> file(String formKey) {
    String id = idOf(formKey);
    try (InputStream in = FormDefinition.class.getResourceAsStream("/forms/" + id + ".form")) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String idOf(String formKey) {
    String id = formKey.startsWith("cardcase:") ? formKey.substring("cardcase:".length()) : formKey;
    if (!id.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("bad form key " + formKey);
    }
    return id;
  }

  static FormDefinition parse(JsonNode root) {
    List<Field> fields = new ArrayList<>();
    for (JsonNode c : root.path("components")) {
      String type = c.path("type").asText();
      if (!INPUT_TYPES.contains(type)) {
        continue;
      }
      JsonNode v = c.path("validate");
      List<String> values = new ArrayList<>();
      List<String> valueLabels = new ArrayList<>();
      c.path("values").forEach(x -> {
        values.add(x.path("value").asText());
        valueLabels.add(x.path("label").asText(x.path("value").asText()));
      });
      // only the simple conditions `=key != "VALUE"` (shown only when key = VALUE) and
      // `=key = "VALUE"` (hidden when key = VALUE) are understood
      String hide = c.path("conditional").path("hide").asText("");
      String unlessKey = null;
      String unlessValue = null;
      boolean whenEqual = false;
      var m = Pattern.compile("=\\s*(\\w+)\\s*(!=|=)\\s*\"([^\"]*)\"").matcher(hide);
      if (m.matches()) {
        unlessKey = m.group(1);
        whenEqual = m.group(2).equals("=");
        unlessValue = m.group(3);
      } else if (!hide.isBlank()) {
        throw new IllegalArgumentException("form " + root.path("id").asText() + ": condition '" + hide + "' of " + c.path("key").asText()
            + " is not of the form =key = \"VALUE\" or =key != \"VALUE\"");
      }
      fields.add(new Field(c.path("key").asText(), type, c.path("label").asText(), v.path("required").asBoolean(false),
          v.has("minLength") ? v.get("minLength").asInt() : null, v.has("maxLength") ? v.get("maxLength").asInt() : null,
          v.has("pattern") ? v.get("pattern").asText() : null, values, unlessKey, unlessValue, whenEqual, valueLabels));
    }
    return new FormDefinition(root.path("id").asText(), fields);
  }

  public String id() {
    return id;
  }

  public List<Field> fields() {
    return fields;
  }

  /** Field key -> message for every field the submission gets wrong; empty when it may be completed. */
  public Map<String, String> validate(Map<String, Object> submitted) {
    Map<String, String> errors = new LinkedHashMap<>();
    for (String key : submitted.keySet()) {
      if (fields.stream().noneMatch(f -> f.key().equals(key))) {
        errors.put(key, "this form has no field '" + key + "'");
      }
    }
    for (Field f : fields) {
      boolean shown = f.hiddenUnlessKey() == null
          || f.shown(submitted);
      Object value = submitted.get(f.key());
      String text = value == null ? "" : String.valueOf(value).strip();
      if (!shown) {
        continue;
      }
      if (text.isEmpty()) {
        if (f.required()) { // a hidden field is never required (form-js behaves the same)
          errors.put(f.key(), f.label() + ": required");
        }
        continue;
      }
      if (!f.values().isEmpty() && !f.values().contains(text)) {
        errors.put(f.key(), f.label() + ": must be one of " + f.values());
      } else if (f.minLength() != null && text.length() < f.minLength()) {
        errors.put(f.key(), f.label() + ": at least " + f.minLength() + " characters");
      } else if (f.maxLength() != null && text.length() > f.maxLength()) {
        errors.put(f.key(), f.label() + ": at most " + f.maxLength() + " characters");
      } else if (f.pattern() != null && !text.matches(f.pattern())) {
        errors.put(f.key(), f.label() + ": wrong format");
      }
    }
    return errors;
  }
}
