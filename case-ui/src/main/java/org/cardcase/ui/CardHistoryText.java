package org.cardcase.ui;

import com.vaadin.flow.component.Component;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A card history entry's reason in the reader's words. The card lifecycle records its reasons in
 * English (they are also what the API and the audit trail carry); each known form is said here in
 * the reader's language, with its details (numbers, channels, branches) kept. An unknown reason is
 * shown as recorded.
 */
final class CardHistoryText {
  private record Form(Pattern pattern, String key, boolean channelInSecond) {}

  private static final List<Form> FORMS = List.of(
      form("application received", "opened"),
      form("verified data sent for production", "sentForProduction"),
      form("the bank reported the card made", "made"),
      form("the bank reported the replacement made", "replacementMade"),
      form("ready for collection at the bank branch", "readyAtBranch"),
      form("ready for pickup at the counter", "readyAtCounter"),
      form("collected and activated at (.+)", "activated"),
      form("handed over at the counter, ID card and certificate checked", "handedOver"),
      form("replacement (\\S+) collected", "replacementCollected"),
      form("replacement ordered in reissue (\\S+)", "replacementOrdered"),
      new Form(Pattern.compile("provisional loss report (\\S+) via (\\S+)"), "card.why.provisional", true),
      form("provisional loss report (\\S+) withdrawn: (.*)", "withdrawn"),
      form("formal loss report (\\S+) accepted at the counter \\(holder in person\\)", "formalInPerson"),
      form("formal loss report (\\S+) accepted at the counter \\(delegate (.+)\\)", "formalByDelegate"),
      form("application closed: not verified and not resubmitted in time \\((.*)\\)", "notResubmitted"),
      form("not collected by the final deadline; cancelled on a supervisor's decision", "uncollected"),
      form("case cancelled: (.*)", "caseCancelled"));

  private CardHistoryText() {}

  private static Form form(String regex, String key) {
    return new Form(Pattern.compile(regex), "card.why." + key, false);
  }

  static String of(Component view, String reason) {
    if (reason == null) {
      return "";
    }
    for (Form f : FORMS) {
      Matcher m = f.pattern().matcher(reason);
      if (m.matches()) {
        Object[] values = new Object[m.groupCount()];
        for (int i = 0; i < values.length; i++) {
          values[i] = m.group(i + 1);
        }
        if (f.channelInSecond() && values.length > 1) {
          values[1] = Labels.channel(view, (String) values[1]);
        }
        return view.getTranslation(f.key(), values);
      }
    }
    return reason;
  }
}
