package org.cardcase;

import com.nimbusds.jose.jwk.RSAKey;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Queues, search and the API at scale: N cases with one task each (a share of them open) written
 * straight to PostgreSQL, the application's own indexer feeding Elasticsearch from the outbox, then
 * the latency of what people and channels do all day: a clerk's queue page (first page, a filter,
 * the next page), a supervisor's whole queue, case search, and an authenticated API call.
 * Run with {@code ./cardcase bench queues [cases] [open-percent]}.
 */
public final class QueueBenchmark {
  static final String[] CHANNELS = {"web-portal", "alipay", "wechat", "12333", "96102", "counter", "terminal", "hospital"};
  static final String[] SURNAMES = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"};
  static final String[] GIVEN = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
      "华", "平", "刚", "桂英", "小明", "建国"};

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int openPercent = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    try (RunningSystem sys = new RunningSystem("bench-queues").jvm(List.of())) {
      sys.start();
      long t = System.nanoTime();
      try (Connection c = sys.db()) {
        c.setAutoCommit(false);
        generate(c, n, openPercent);
        c.commit();
        // as autovacuum would have done on a system that has run for a while (visibility map set)
        c.setAutoCommit(true);
        try (var st = c.createStatement()) {
          st.execute("vacuum analyze human_task");
          st.execute("vacuum analyze card_case");
        }
      }
      System.out.printf("%d cases and %d tasks (%d %% open) written to PostgreSQL in %.1f s%n", n, n, openPercent,
          (System.nanoTime() - t) / 1e9);

      // the indexer drains the whole backlog from the outbox
      long t0 = System.nanoTime();
      long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
      while (sys.indexBacklog() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(1000);
      }
      double drain = (System.nanoTime() - t0) / 1e9;
      System.out.printf("search indexer: %d cases indexed in %.1f s (%.0f cases/s)%n", n, drain, n / drain);

      Random random = new Random(7);
      // warm up the JIT, the connection pool and the caches first
      for (int i = 0; i < 100; i++) {
        sys.get("/api/task-queue?scope=GROUPS&limit=50", Scenarios.CLERK);
        sys.get("/api/cases?q=" + enc(name(random.nextInt(n))), Scenarios.CLERK);
      }
      List<Long> first = new ArrayList<>();
      List<Long> filtered = new ArrayList<>();
      List<Long> nextPage = new ArrayList<>();
      List<Long> all = new ArrayList<>();
      List<Long> search = new ArrayList<>();
      List<Long> authenticated = new ArrayList<>();
      List<Long> wrong = new ArrayList<>();
      List<Long> bearer = new ArrayList<>();
      String token = sys.token(Scenarios.PORTAL, null);
      long tokenAt = System.nanoTime();
      for (int i = 0; i < 300; i++) {
        if (System.nanoTime() - tokenAt > 200_000_000_000L) {
          // a channel asks for a new token before its 5 minutes are up
          token = sys.token(Scenarios.PORTAL, null);
          tokenAt = System.nanoTime();
        }
        first.add(time(sys, "/api/task-queue?scope=GROUPS&limit=50", Scenarios.CLERK));
        filtered.add(time(sys, "/api/task-queue?scope=GROUPS&sort=PRIORITY&limit=50&channel=" + CHANNELS[i % CHANNELS.length],
            Scenarios.CLERK));
        String cursor = sys.json(sys.get("/api/task-queue?scope=GROUPS&limit=50", Scenarios.CLERK)).path("next").asText();
        nextPage.add(time(sys, "/api/task-queue?scope=GROUPS&limit=50&after=" + cursor, Scenarios.CLERK));
        all.add(time(sys, "/api/task-queue?scope=ALL&limit=50&process=card-application", Scenarios.SUPERVISOR));
        int k = random.nextInt(n);
        String q = switch (i % 3) {
          case 0 -> name(k);
          case 1 -> caseNumber(k);
          default -> caseNumber(k).substring(0, 9);
        };
        search.add(time(sys, "/api/cases?q=" + enc(q), Scenarios.CLERK));
        authenticated.add(time(sys, "/api/reference/CHANNEL", Scenarios.PORTAL));
        long sent = System.nanoTime();
        var answer = sys.request("GET", "/api/reference/CHANNEL", Map.of("Authorization", "Bearer " + token), null);
        if (answer.statusCode() != 200) {
          throw new IllegalStateException("the access token was refused in round " + i + ": " + answer.statusCode() + " "
              + answer.headers().firstValue("WWW-Authenticate").orElse("") + " " + answer.body());
        }
        bearer.add((System.nanoTime() - sent) / 1_000);
        if (i < 30) {
          wrong.add(time(sys, "/api/reference/CHANNEL", "bench-" + i + ":wrong"));
        }
      }
      long total = sys.count("select count(*) from human_task where state = 'OPEN' and assignee is null and candidate_group in ('verification', 'counter')");
      System.out.printf("clerk's queue (%d open tasks in the clerk's groups), API p50/p95: first page %s, filtered by channel and sorted"
          + " by priority %s, next page %s; supervisor's all tasks of a process %s%n", total, p(first), p(filtered), p(nextPage), p(all));
      System.out.printf("case search over %d cases (name, case number, case-number prefix; with the matched field), p50/p95: %s%n", n,
          p(search));
      System.out.printf("authenticated API call (whole request, verified credentials cached), p50/p95: %s; wrong password: %s%n",
          p(authenticated), p(wrong));
      System.out.printf("the same call with an access token (whole request), p50/p95: %s; the token check alone: %s%n",
          p(bearer), tokenCheck(sys, token));
      System.out.printf("event to searchable under normal load (%s)%n", searchable(sys));
      long errors = sys.logText().lines().filter(l -> l.contains(" ERROR ")).count();
      System.out.printf("system log: %d ERROR lines%n", errors);
    }
  }

  /**
   * 200 applications through the channel API at 5 a second (a busy service centre's pace; the
   * throughput benchmark shows the capacity): for each, the time from its 201 until a search for
   * its case number finds it, polled every 50 ms by a thread of its own.
   */
  static String searchable(RunningSystem sys) throws Exception {
    List<Long> micros = Collections.synchronizedList(new ArrayList<>());
    try (var pollers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 200; i++) {
        String born = LocalDate.of(1960, 1, 1).plusDays(i * 37L).format(DateTimeFormatter.BASIC_ISO_DATE);
        String id = Scenarios.id("110105" + born + "011");
        var r = sys.post("/api/applications", Scenarios.PORTAL, Scenarios.application("检索" + GIVEN[i % GIVEN.length], id, "MALE", i));
        long t0 = System.nanoTime();
        String cn = Scenarios.created(r);
        pollers.submit(() -> {
          while (!sys.get("/api/cases?q=" + cn, Scenarios.CLERK).body().contains(cn)) {
            Thread.sleep(50);
          }
          micros.add((System.nanoTime() - t0) / 1_000);
          return null;
        });
        Thread.sleep(200);
      }
    }
    List<Long> s = new ArrayList<>(micros);
    Collections.sort(s);
    return String.format("%d cases, p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms", s.size(), s.get(s.size() / 2) / 1000.0,
        s.get((int) Math.ceil(s.size() * 0.95) - 1) / 1000.0, s.get((int) Math.ceil(s.size() * 0.99) - 1) / 1000.0,
        s.get(s.size() - 1) / 1000.0);
  }

  static String name(int k) {
    return SURNAMES[k % SURNAMES.length] + GIVEN[(k / SURNAMES.length) % GIVEN.length];
  }

  static String caseNumber(int k) {
    return "SG" + String.format("%010d", k);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * What checking one access token costs: its signature and times, as the API checks it (the same
   * decoder with the system's public key), 20 000 times after a warm-up, in this JVM.
   */
  static String tokenCheck(RunningSystem sys, String token) throws Exception {
    var key = RSAKey.parse(sys.value("select jwk from token_signing_key where retired_at is null"));
    var decoder = NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
    for (int i = 0; i < 5_000; i++) {
      decoder.decode(token);
    }
    int n = 20_000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      decoder.decode(token);
    }
    return String.format("%.1f µs per token", (System.nanoTime() - t0) / 1e3 / n);
  }

  static long time(RunningSystem sys, String path, String credentials) throws Exception {
    long t0 = System.nanoTime();
    var r = sys.get(path, credentials);
    long ms = (System.nanoTime() - t0) / 1_000;
    if (r.statusCode() >= 500) {
      throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
    }
    return ms;
  }

  /** p50 and p95 in milliseconds, from microseconds. */
  static String p(List<Long> micros) {
    List<Long> s = new ArrayList<>(micros);
    Collections.sort(s);
    return String.format("%.1f / %.1f ms", s.get(s.size() / 2) / 1000.0, s.get((int) Math.ceil(s.size() * 0.95) - 1) / 1000.0);
  }

  /**
   * Cases of every type and channel over two years, most closed; one task each, open for the open
   * cases (most unassigned, in the groups' queues; due from 20 working days ago to 20 ahead), and
   * every case queued for the search index as the application would have.
   */
  static void generate(Connection c, int n, int openPercent) throws Exception {
    StringBuilder surnames = new StringBuilder("array[");
    for (int i = 0; i < SURNAMES.length; i++) {
      surnames.append(i == 0 ? "" : ",").append('\'').append(SURNAMES[i]).append('\'');
    }
    StringBuilder given = new StringBuilder("array[");
    for (int i = 0; i < GIVEN.length; i++) {
      given.append(i == 0 ? "" : ",").append('\'').append(GIVEN[i]).append('\'');
    }
    String channels = "array['" + String.join("','", CHANNELS) + "']";
    try (var st = c.createStatement()) {
      st.execute("""
          insert into card_case (case_number, case_type, status, current_step, channel, applicant_name, id_number, sex, phone,
            issuing_bank, created_at, updated_at, closed_at)
          select 'SG' || lpad(k::text, 10, '0'),
            (array['CARD_APPLICATION','CARD_APPLICATION','CARD_APPLICATION','LOSS_REPORT','REISSUE','FAMILY_BINDING','CHILD_E_CARD'])[1 + k %% 7],
            case when k %% 100 < %d then 'IN_PROGRESS' else 'COMPLETED' end,
            case when k %% 100 < %d then 'compare-photos' else 'end' end,
            (%s)[1 + (k / 7) %% 7],
            (%s)[1 + k %% %d] || (%s)[1 + (k / %d) %% %d],
            '66' || lpad((k %% 9999)::text, 4, '0') || to_char(date '1950-01-01' + k %% 20000, 'YYYYMMDD') || lpad((k %% 997)::text, 3, '0') || 'X',
            case when k %% 2 = 0 then 'MALE' else 'FEMALE' end,
            '138' || lpad((k %% 100000000)::text, 8, '0'), 'ICBC',
            now() - (k %% 730) * interval '1 day', now() - (k %% 730) * interval '1 day' + interval '3 days',
            case when k %% 100 < %d then null else now() - (k %% 730) * interval '1 day' + interval '12 days' end
          from generate_series(0, %d) k""".formatted(openPercent, openPercent, channels, surnames + "]", SURNAMES.length,
          given + "]", SURNAMES.length, GIVEN.length, openPercent, n - 1));
      st.execute("""
          insert into human_task (case_number, element_id, wait_seq, job_key, form_key, candidate_group, assignee, state, due_at,
            completed_by, created_at, completed_at, case_type, case_channel, process_id)
          select c.case_number, 'compare-photos', 1, case when k %% 100 = 50 then 0 else 1000000 + k end, 'compare-photos',
            (array['verification','counter','card-centre'])[1 + k %% 3],
            case when c.closed_at is null and k %% 10 = 0 then 'clerk' end,
            case when c.closed_at is null then 'OPEN' else 'COMPLETED' end,
            now() + ((k %% 41) - 20) * interval '1 day' + (k %% 86400) * interval '1 second',
            case when c.closed_at is null then null else 'clerk' end, c.created_at, c.closed_at,
            c.case_type, c.channel, 'card-application'
          from card_case c, lateral (select substr(c.case_number, 3)::bigint as k) x
          where c.case_number like 'SG%%'""".formatted());
      st.execute("insert into search_outbox (case_number) select case_number from card_case where case_number like 'SG%'");
    }
  }
}
