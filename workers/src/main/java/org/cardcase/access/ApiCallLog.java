package org.cardcase.access;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Every API call, with the channel that made it (null when authentication failed). */
@Component
public class ApiCallLog {
  private final JdbcClient jdbc;

  public ApiCallLog(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void record(String channel, String method, String path, int status, String caseNumber) {
    jdbc.sql("insert into api_call (channel, method, path, status, case_number) values (?, ?, ?, ?, ?)")
        .params(channel, method, path, status, caseNumber).update();
  }

  public long count(String channel, String pathPrefix) {
    return jdbc.sql("select count(*) from api_call where channel = ? and path like ?")
        .params(channel, pathPrefix + "%").query(Long.class).single();
  }
}
