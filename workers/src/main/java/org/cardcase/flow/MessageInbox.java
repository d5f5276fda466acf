package org.cardcase.flow;

import io.camunda.client.CamundaClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import io.camunda.client.api.command.ClientStatusException;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import org.cardcase.audit.AuditTrail;
import org.cardcase.processes.CaseFlow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Messages from outside (production callbacks, branch confirmations). Each is stored before it is
 * published, once per sender's message id, so a duplicate callback moves nothing twice and a
 * message is not lost when the engine restarts: unconsumed messages are published again on resume.
 */
@Component
public class MessageInbox {
  private static final Logger log = LoggerFactory.getLogger(MessageInbox.class);
  /** Long enough to cover the gap between an early callback and the case reaching its wait state. */
  static final Duration TTL = Duration.ofDays(30);
  private final JdbcClient jdbc;
  private final CamundaClient client;
  private final ProcessLinks links;
  private final AuditTrail audit;
  private final TransactionTemplate tx;

  private final CurrentEngine engine;

  public MessageInbox(JdbcClient jdbc, CamundaClient client, ProcessLinks links, AuditTrail audit, TransactionTemplate tx,
      CurrentEngine engine) {
    this.engine = engine;
    this.audit = audit;
    this.tx = tx;
    this.jdbc = jdbc;
    this.client = client;
    this.links = links;
  }

  /**
   * Stores the message and hands it to the engine without waiting for it; returns false for a
   * duplicate (already received, nothing done). Once stored it is safe: if the engine is away it is
   * published by the sweeper when the engine is back.
   */
  public boolean receive(String messageId, String name, String caseNumber, String sender, Map<String, Object> variables) {
    Boolean stored = tx.execute(s -> store(messageId, name, caseNumber, sender, variables));
    if (!Boolean.TRUE.equals(stored)) {
      return false;
    }
    publishStored(messageId).exceptionally(e -> {
      log.info("message {} is stored; the engine did not take it yet ({}), the sweeper sends it again", messageId,
          e.getMessage());
      return null;
    });
    return true;
  }

  /**
   * Stores the message in the caller's transaction (with the change that goes with it); publish
   * it with {@link #publishStored} after the commit. Returns false for a duplicate.
   */
  public boolean store(String messageId, String name, String caseNumber, String sender, Map<String, Object> variables) {
    int n = jdbc.sql("""
      insert into inbound_message (message_id, name, case_number, variables) values (?, ?, ?, ?::jsonb)
      on conflict (message_id) do nothing""")
      .params(messageId, name, caseNumber, links.write(variables)).update();
    if (n > 0) {
      audit.append(AuditTrail.ofCase(caseNumber), "message:" + messageId, sender, sender, "MESSAGE_RECEIVED",
          Map.of("message", name, "messageId", messageId));
    }
    return n > 0;
  }

  public boolean known(String messageId) {
    return jdbc.sql("select count(*) from inbound_message where message_id = ?").param(messageId).query(Long.class).single() > 0;
  }

  /**
   * Publishes a stored message and notes that the engine has it, without waiting on the caller's
   * thread. The future fails if the engine did not take it (the sweeper publishes it later).
   */
  public CompletableFuture<Void> publishStored(String messageId) {
    if (!engine.accepting()) {
      return CompletableFuture.failedFuture(new IllegalStateException("the engine is away; the message waits for it"));
    }
    Map<String, Object> r = jdbc.sql("select name, case_number, variables::text as variables from inbound_message where message_id = ?")
        .param(messageId).query().singleRow();
    return publish(messageId, (String) r.get("name"), (String) r.get("case_number"), links.read((String) r.get("variables")))
        .thenRunAsync(() -> jdbc.sql("update inbound_message set published_at = now() where message_id = ? and published_at is null")
            .param(messageId).update(), ProcessStarter.AFTER_ENGINE);
  }

  /**
   * Messages stored but never published (the engine was down, or the JVM died in between).
   * Only these: a published message may have been correlated already, and publishing it again
   * could move a case twice.
   */
  public int publishPending() {
    List<String> ids = jdbc.sql("""
        select m.message_id from inbound_message m join process_link l on l.case_number = m.case_number
        where m.published_at is null and l.ended_at is null and l.process_instance_key is not null
          and m.received_at < now() - interval '5 seconds' order by m.received_at limit 100""").query(String.class).list();
    int n = 0;
    for (String id : ids) {
      try {
        publishStored(id).join();
        n++;
      } catch (RuntimeException e) {
        return n; // the engine is still away; the next sweep tries again
      }
    }
    return n;
  }

  /** A stored message, as a resume publishes it again. */
  public record Message(String messageId, String name, String caseNumber, Map<String, Object> variables) {}

  /** Every message the case received, in the order received. */
  public List<Message> received(String caseNumber) {
    return jdbc.sql("select message_id, name, case_number, variables from inbound_message where case_number = ? order by received_at")
        .param(caseNumber).query((rs, i) -> new Message(rs.getString(1), rs.getString(2), rs.getString(3),
            links.read(rs.getString(4)))).list();
  }

  /** Publishes again every message of the case that no wait state has consumed yet. */
  public void republishUnconsumed(String caseNumber) {
    republish(unconsumed(List.of(caseNumber)).getOrDefault(caseNumber, List.of()));
  }

  /** The messages no wait state has consumed yet, of these cases (one query for a page of cases). */
  public Map<String, List<Message>> unconsumed(List<String> caseNumbers) {
    Map<String, List<Message>> byCase = new HashMap<>();
    jdbc.sql("""
        select message_id, name, case_number, variables::text as variables from inbound_message
        where case_number = any(?) and not consumed order by received_at""")
        .param(caseNumbers.toArray(String[]::new))
        .query((rs, i) -> new Message(rs.getString(1), rs.getString(2), rs.getString(3), links.read(rs.getString(4))))
        .list().forEach(m -> byCase.computeIfAbsent(m.caseNumber(), k -> new ArrayList<>()).add(m));
    return byCase;
  }

  public void republish(List<Message> messages) {
    for (Message m : messages) {
      publish(m.messageId(), m.name(), m.caseNumber(), m.variables()).join();
    }
  }

  void markConsumed(Object messageId) {
    if (messageId instanceof String id) {
      jdbc.sql("update inbound_message set consumed = true where message_id = ? and not consumed").param(id).update();
    }
  }

  /** Publishes; a message the engine already holds (same id, published before) counts as published. */
  private CompletableFuture<Void> publish(String messageId, String name, String caseNumber, Map<String, Object> variables) {
    Map<String, Object> vars = new HashMap<>(variables);
    vars.put(CaseFlow.VAR_CONSUMED_MESSAGE_ID, messageId);
    return client.newPublishMessageCommand().messageName(name).correlationKey(caseNumber).messageId(messageId)
        .timeToLive(TTL).variables(vars).send().toCompletableFuture()
        .handle((ok, error) -> {
          Throwable cause = error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
          if (cause == null || (cause instanceof ClientStatusException e && e.getStatusCode() == Status.Code.ALREADY_EXISTS)) {
            return null;
          }
          throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
        });
  }
}
