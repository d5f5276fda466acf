package org.cardcase.notifications;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cardcase.audit.AuditTrail;
import org.cardcase.privacy.PersonalFields;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Messages to citizens. Each has an event key: a retried step finds the message already sent and
 * sends nothing twice. Texts are in Chinese, as citizens receive them.
 */
@Service
public class Notifications {
  /** Template id -> text with {name} placeholders. */
  static final Map<String, String> TEMPLATES = Map.ofEntries(
      Map.entry("loss-reported", "【社保卡】您的社会保障卡（尾号{cardTail}）已临时挂失，医保结算功能已停止。挂失单号{caseNumber}。挂失持续有效，直至您携带身份证到服务网点办理正式挂失补卡，或找到卡片后撤销挂失；{dueDate}前尚未办理的，我们将短信提醒一次。"),
      Map.entry("formal-report-reminder", "【社保卡】您临时挂失的社会保障卡（挂失单号{caseNumber}）尚未办理正式挂失。挂失继续有效，医保结算保持停止；如需用卡，请携带身份证到服务网点办理正式挂失补卡，找到卡片可撤销挂失。此为唯一一次提醒。"),
      Map.entry("loss-withdrawn", "【社保卡】挂失单{caseNumber}已撤销，您的社会保障卡恢复医保结算。"),
      Map.entry("reissue-accepted", "【社保卡】补卡申请{caseNumber}已受理。领卡凭证号{certificate}，领卡前可作为临时就医凭证。领卡日期：{pickupDate}{provisional}。"),
      Map.entry("replacement-ready", "【社保卡】您的新社会保障卡已制作完成，请于{pickupDate}{provisional}起携带身份证和领卡凭证{certificate}到服务网点领取。"),
      Map.entry("pickup-delayed", "【社保卡】抱歉，您的新社会保障卡未能按期制作完成，新的领卡日期为{pickupDate}{provisional}。领卡凭证{certificate}继续作为临时就医凭证使用。"),
      Map.entry("replacement-reminder", "【社保卡】您的新社会保障卡尚未领取，请于{dueDate}前携带身份证和领卡凭证{certificate}到服务网点领取。"),
      Map.entry("replacement-uncollected", "【社保卡】您的新社会保障卡逾期未领取，卡片留存服务网点，请携带身份证和领卡凭证{certificate}领取（补卡单号{caseNumber}）。领取前该凭证仍可作为临时就医凭证使用。"),
      Map.entry("replacement-collected", "【社保卡】您已领取新社会保障卡（尾号{cardTail}），领卡凭证{certificate}已停止使用，原卡已注销。"),
      Map.entry("family-linked", "【社保卡】{holderName}已将您的医保个人账户绑定为家庭共济成员（关系：{relationship}）。如有异议请联系服务网点。"),
      Map.entry("family-link-added", "【社保卡】您的医保个人账户已绑定家庭共济成员{memberName}（关系：{relationship}，经{channel}办理）。如非本人操作，请立即拨打12333或到服务网点办理解绑。"),
      Map.entry("family-link-removed", "【社保卡】您的医保个人账户已解除与家庭共济成员{memberName}的绑定（经{channel}办理）。如非本人操作，请立即拨打12333或到服务网点咨询。"),
      Map.entry("family-refused", "【社保卡】家庭共济绑定申请{caseNumber}未通过：{reason}。"),
      Map.entry("child-card-issued", "【社保卡】{childName}的医保电子凭证已发放至您的家庭账户，凭证号{eCard}。"),
      Map.entry("child-card-refused", "【社保卡】{childName}的医保电子凭证申请{caseNumber}未通过：{reason}。"),
      Map.entry("verification-rejected", "【社保卡】您的社会保障卡申请（{caseNumber}）未通过实名核验：{reason}。请于{dueDate}前重新提交。"),
      Map.entry("new-photo-requested", "【社保卡】您的社会保障卡申请（{caseNumber}）需要重新上传照片：{reason}。请于{dueDate}前提交。"),
      Map.entry("application-rejected", "【社保卡】您的社会保障卡申请（{caseNumber}）因未在期限内重新提交已终止。如需办卡请重新申请。"),
      Map.entry("card-ready", "【社保卡】您的社会保障卡已制作完成，请携带身份证到{bank}网点领取并激活（申请号{caseNumber}）。"),
      Map.entry("collection-reminder", "【社保卡】您的社会保障卡尚未领取，请于{dueDate}前携带身份证到{bank}网点领取并激活。"),
      Map.entry("collection-extended", "【社保卡】您的社会保障卡领取期限已延长至{dueDate}，请携带身份证到{bank}网点领取并激活（申请号{caseNumber}）。"),
      Map.entry("uncollected-card-cancelled", "【社保卡】您的社会保障卡因逾期未领取已注销（申请号{caseNumber}）。如需用卡请重新申请。"),
      Map.entry("pickup-date-changed", "【社保卡】因节假日安排调整，您的新社会保障卡领卡日期改为{pickupDate}{provisional}（补卡单号{caseNumber}，领卡凭证{certificate}）。领卡前凭证继续作为临时就医凭证使用。"),
      Map.entry("pickup-date-confirmed", "【社保卡】节假日安排已公布，您的新社会保障卡领卡日期{pickupDate}已确定（补卡单号{caseNumber}，领卡凭证{certificate}）。"),
      Map.entry("card-activated", "【社保卡】您的社会保障卡（尾号{cardTail}）已激活，可用于就医结算。"));

  /**
   * What a message says after a date counted into a year whose holiday arrangement is not yet published:
   * "(provisional: …)"; empty for a date that is final.
   */
  public static String provisionalNote(boolean provisional, LocalDate date) {
    return provisional ? "（暂定：" + date.getYear() + "年节假日安排尚未公布，如有调整将短信告知）" : "";
  }

  private final JdbcClient jdbc;
  private final SmsGateway gateway;
  private final AuditTrail audit;

  private final PersonalFields personal;
  public static final String TABLE = "notification";

  public Notifications(JdbcClient jdbc, SmsGateway gateway, AuditTrail audit, PersonalFields personal) {
    this.personal = personal;
    this.jdbc = jdbc;
    this.gateway = gateway;
    this.audit = audit;
  }

  /** Sends once per event key; returns false if it had been sent already. */
  public boolean send(String caseNumber, String eventKey, String phone, String template, Map<String, String> values) {
    boolean sent = jdbc.sql("select count(*) from notification where event_key = ?").param(eventKey).query(Long.class).single() > 0;
    if (sent) {
      return false;
    }
    String text = render(template, values);
    // the gateway first: if it fails, nothing is recorded and the step is retried
    String providerId = gateway.send(phone, text);
    int n = jdbc.sql("""
        insert into notification (case_number, event_key, personal, medium, template, provider_id)
        values (?, ?, ?, 'SMS', ?, ?) on conflict (event_key) do nothing""")
        .params(caseNumber, eventKey, personal.seal(TABLE, eventKey, Map.of("recipient", phone, "text", text)), template, providerId)
        .update();
    if (n > 0 && caseNumber != null) {
      audit.append(AuditTrail.ofCase(caseNumber), "notification:" + eventKey, "system", "sms", "NOTIFICATION_SENT",
          Map.of("template", template));
    }
    return n > 0;
  }

  public List<Map<String, Object>> of(String caseNumber) {
    // the texts are decrypted for the case's page (a few messages)
    return jdbc.sql("select event_key, template, text, personal, sent_at, provider_id from notification where case_number = ? order by id")
        .param(caseNumber).query((rs, i) -> {
          Map<String, Object> row = new LinkedHashMap<>();
          byte[] sealed = rs.getBytes("personal");
          row.put("template", rs.getString("template"));
          row.put("text", sealed == null ? rs.getString("text")
              : PersonalFields.text(personal.open(TABLE, rs.getString("event_key"), sealed), "text"));
          row.put("sent_at", rs.getTimestamp("sent_at"));
          row.put("provider_id", rs.getString("provider_id"));
          return row;
        }).list();
  }

  /** Templates sent to someone other than the case's citizen (the member a holder linked is told on the holder's case). */
  static final Set<String> TO_ANOTHER_PERSON = Set.of("family-linked");

  /** The messages of the case that went to the case's own citizen (not to another person told about it), oldest first. */
  public List<Map<String, Object>> sentToCaseCitizen(String caseNumber) {
    return of(caseNumber).stream().filter(m -> !TO_ANOTHER_PERSON.contains(String.valueOf(m.get("template")))).toList();
  }

  static String render(String template, Map<String, String> values) {
    String t = TEMPLATES.get(template);
    if (t == null) {
      throw new IllegalArgumentException("no notification template " + template);
    }
    for (var e : values.entrySet()) {
      t = t.replace("{" + e.getKey() + "}", e.getValue() == null ? "" : e.getValue());
    }
    return t;
  }
}
