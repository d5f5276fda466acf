package org.cardcase.flow;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * The SQL statements on {@code process_link} as the application sends them, read from Spring's
 * JDBC log (each statement, then its parameters, on the sending thread) while this is open: what
 * one case start costs, counted per case. Nothing is printed.
 */
public final class LinkStatements implements AutoCloseable {
  private static final Pattern STATEMENT = Pattern.compile("Executing prepared SQL statement \\[(.*)]", Pattern.DOTALL);
  private static final Pattern PARAMETER = Pattern.compile("parameter value \\[(.*?)], value class", Pattern.DOTALL);

  /** A statement sent and its parameters. */
  record Sent(String sql, List<String> parameters) {}

  private final Logger jdbc = (Logger) LoggerFactory.getLogger("org.springframework.jdbc.core");
  private final Level level = jdbc.getLevel();
  private final boolean additive = jdbc.isAdditive();
  private final Map<String, Sent> current = new HashMap<>();
  private final List<Sent> sent = new ArrayList<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent e) {
      String message = e.getFormattedMessage();
      Matcher m = STATEMENT.matcher(message);
      if (m.find()) {
        if (m.group(1).contains("process_link")) {
          Sent s = new Sent(m.group(1).strip().replaceAll("\\s+", " "), new ArrayList<>());
          sent.add(s);
          current.put(e.getThreadName(), s);
        } else {
          current.remove(e.getThreadName());
        }
        return;
      }
      Sent s = current.get(e.getThreadName());
      Matcher p = PARAMETER.matcher(message);
      if (s != null && p.find()) {
        s.parameters().add(p.group(1));
      }
    }
  };

  public LinkStatements() {
    appender.setContext(jdbc.getLoggerContext());
    appender.start();
    jdbc.addAppender(appender);
    jdbc.setAdditive(false);
    jdbc.setLevel(Level.TRACE);
  }

  /** The statements on process_link sent so far that name this case, in the order sent. */
  public List<String> of(String caseNumber) {
    synchronized (appender) {
      return sent.stream().filter(s -> s.parameters().contains(caseNumber)).map(Sent::sql).toList();
    }
  }

  /** How many of each kind (select, insert, or update with the first column it sets) name this case. */
  public Map<String, Integer> byKind(String caseNumber) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String s : of(caseNumber)) {
      String[] w = s.split(" ");
      String kind = w[0].toLowerCase() + (w.length > 3 && w[0].equalsIgnoreCase("update") ? " set " + w[3] : "");
      out.merge(kind, 1, Integer::sum);
    }
    return out;
  }

  @Override
  public void close() {
    jdbc.setLevel(level);
    jdbc.setAdditive(additive);
    jdbc.detachAppender(appender);
    appender.stop();
  }
}
