package org.cardcase.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.cardcase.FlowTest;
import org.cardcase.application.CardApplication;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardState;
import org.cardcase.childcard.ChildCards;
import org.cardcase.family.FamilyBindings;
import org.cardcase.loss.LossReports;
import org.cardcase.reissue.Reissues;
import org.cardcase.shared.Channels;
import org.cardcase.simulators.ChannelIdentitySimulator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * "At most one" rules under concurrency: eight identical requests released at the same
 * moment by a barrier, through the domain service, against the real PostgreSQL. Exactly one is
 * taken, the seven others are refused with the rule's conflict, and exactly one case (card,
 * report, link) exists afterwards. Before the rules were held by the database, a read before the
 * insert let several through.
 */
class AtMostOneFlowTest extends FlowTest {
  static final int THREADS = 8;

  @Autowired ChildCards childCards;
  @Autowired LossReports lossReports;
  @Autowired Reissues reissues;
  @Autowired FamilyBindings families;
  @Autowired CitizenAssertions assertions;
  @Autowired ChannelIdentitySimulator identity;

  /** What the eight requests got: the answers of those taken, the conflicts, anything else. */
  record Outcome<T>(List<T> taken, List<CaseConflict> conflicts, List<Throwable> other) {}

  /** Runs {@code THREADS} calls (made beforehand by {@code call}), all released together by a barrier. */
  static <T> Outcome<T> atTheSameMoment(IntFunction<Callable<T>> call) throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        Callable<T> c = call.apply(i);
        futures.add(pool.submit(() -> {
          barrier.await(30, TimeUnit.SECONDS);
          return c.call();
        }));
      }
      Outcome<T> out = new Outcome<>(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (Future<T> f : futures) {
        try {
          out.taken().add(f.get(60, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          if (e.getCause() instanceof CaseConflict c) {
            out.conflicts().add(c);
          } else {
            out.other().add(e.getCause());
          }
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  static <T> T exactlyOneTaken(Outcome<T> o) {
    assertThat(o.other()).as("nothing but the rule's conflict").isEmpty();
    assertThat(o.taken()).as("exactly one of %d taken", THREADS).hasSize(1);
    assertThat(o.conflicts()).as("the others refused with the conflict").hasSize(THREADS - 1);
    return o.taken().get(0);
  }

  long count(String sql, Object... params) {
    return jdbc.sql(sql).params(params).query(Long.class).single();
  }

  @Test
  void oneOpenCardApplicationPerPerson() throws Exception {
    String person = id("19660101", "011");
    CardApplication app = new CardApplication("韦小宝", person, "MALE", "13812345678", "ICBC", "web-portal",
        png(400, 500), png(700, 450));
    Outcome<String> o = atTheSameMoment(i -> () -> service.submit(app, "web-portal"));
    String cn = exactlyOneTaken(o);
    assertThat(o.conflicts()).as("told which case is open").allSatisfy(c -> {
      assertThat(c.openCaseNumber()).isEqualTo(cn);
      assertThat(c.getMessage()).isEqualTo("this person already has an open card application: " + cn);
    });
    assertThat(count("select count(*) from card_case where id_bidx = ? and case_type = 'CARD_APPLICATION'", bidx(person)))
        .as("one case").isEqualTo(1);
    assertThat(count("select count(*) from card where holder_bidx = ?", bidx(person))).as("one card").isEqualTo(1);
    assertThat(count("select count(*) from case_document where case_number = ?", cn)).as("its two photos, once").isEqualTo(2);
    // once it is stored, every further one is refused the same way
    assertThat(atTheSameMoment(i -> () -> service.submit(app, "web-portal")).conflicts()).hasSize(THREADS)
        .allSatisfy(c -> assertThat(c.openCaseNumber()).isEqualTo(cn));
  }

  @Test
  void oneOpenChildECardApplicationPerChild() throws Exception {
    String parent = id("19660103", "015");
    String child = id("20160103", "017");
    ChildCards.Letter letter = childCards.letter(parent, "阿珂", "阿小珂", child);
    ChildCards.Request r = new ChildCards.Request(parent, "阿珂", "13600000000", "阿小珂", child, png(900, 700), true,
        ChildCards.NOTICE_VERSION, letter.sha256(), "阿珂");
    Outcome<String> o = atTheSameMoment(i -> () -> childCards.request(r, "web-portal"));
    String cn = exactlyOneTaken(o);
    assertThat(o.conflicts()).allSatisfy(c -> assertThat(c.openCaseNumber()).isEqualTo(cn));
    assertThat(count("select count(*) from card_case where case_type = 'CHILD_E_CARD' and member_bidx = ?", bidx(child)))
        .as("one application for the child").isEqualTo(1);
    assertThat(count("select count(*) from case_document where case_number in"
        + " (select case_number from card_case where id_bidx = ?)", bidx(parent))).as("one household register, one letter").isEqualTo(2);
  }

  @Test
  void oneOpenProvisionalLossReportPerCard() throws Exception {
    String holder = id("19660104", "999");
    Card card = card(activeCardHolder("陈近南", holder));
    LossReports.Report report = new LossReports.Report(holder, null, "陈近南", "13900000000");
    Outcome<LossReports.Reported> o = atTheSameMoment(i -> () -> lossReports.report(report, "96102"));
    String reportNumber = exactlyOneTaken(o).reportNumber();
    assertThat(o.conflicts()).allSatisfy(c -> {
      assertThat(c.openCaseNumber()).isEqualTo(reportNumber);
      assertThat(c.getMessage()).isEqualTo("the card is already provisionally reported lost: report " + reportNumber);
    });
    assertThat(count("select count(*) from card_case where case_type = 'LOSS_REPORT' and id_bidx = ?", bidx(holder)))
        .as("one report").isEqualTo(1);
    assertThat(count("select count(*) from card_transition where card_id = ? and to_state = 'SUSPENDED'", card.cardId()))
        .as("suspended once").isEqualTo(1);
    assertThat(cards.find(card.cardId()).orElseThrow().state()).isEqualTo(CardState.SUSPENDED);
  }

  @Test
  void oneReissuePerLostCardEvenWhenTheProvisionalReportIsTakenInTheSameVisit() throws Exception {
    String holder = id("19660105", "999");
    Card old = card(activeCardHolder("吴六奇", holder));
    String copy = png(700, 450);
    String form = png(800, 1000);
    // the counter takes both reports in one visit: the provisional report races as well
    Reissues.Request r = new Reissues.Request(holder, "吴六奇", "13900000003", null, "HOLDER", null, null, true, null,
        copy, null, form, "clerk", true);
    Outcome<Reissues.Accepted> o = atTheSameMoment(i -> () -> reissues.accept(r, "counter"));
    Reissues.Accepted a = exactlyOneTaken(o);
    assertThat(o.conflicts()).allSatisfy(c -> {
      assertThat(c.rule()).isEqualTo("reissueOpen");
      assertThat(c.openCaseNumber()).isEqualTo(a.caseNumber());
    });
    assertThat(count("select count(*) from card_case where case_type = 'REISSUE' and id_bidx = ?", bidx(holder)))
        .as("one reissue").isEqualTo(1);
    assertThat(count("select count(*) from card where replaces_card_id = ?", old.cardId())).as("one replacement card").isEqualTo(1);
    assertThat(count("select count(*) from voucher where old_card_id = ?", old.cardId())).as("one pickup certificate").isEqualTo(1);
    assertThat(count("select count(*) from card_case where case_type = 'LOSS_REPORT' and id_bidx = ?", bidx(holder)))
        .as("one provisional report").isEqualTo(1);
    assertThat(count("select count(*) from card_transition where card_id = ? and to_state = 'LOST'", old.cardId()))
        .as("lost once").isEqualTo(1);
  }

  /** The channel's verified assertion about this person, signed by its (simulated) identity service. */
  CitizenAssertions.Proof proof(String channel, String idNumber) {
    String method = Channels.AUTHENTICATION.get(channel).get(0);
    return assertions.verify(channel, identity.assertionFor(channel, idNumber, method), idNumber);
  }

  FamilyBindings.Request binding(String holder, String member, String memberName, String relationship) {
    return FamilyBindings.Request.webPortal(holder, "茅十八", "13700000000", computerNumber(member), member, memberName, relationship)
        .withMemberPhone("13700000001");
  }

  @Test
  void oneBindingPerHolderAndMember() throws Exception {
    String holder = id("19660106", "021");
    String member = id("19680106", "022");
    FamilyBindings.Request r = binding(holder, member, "茅夫人", "SPOUSE");
    List<CitizenAssertions.Proof> proofs = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      proofs.add(proof("web-portal", holder));
    }
    Outcome<String> o = atTheSameMoment(i -> () -> families.request(r, "web-portal", proofs.get(i)));
    String cn = exactlyOneTaken(o);
    assertThat(o.conflicts()).allSatisfy(c -> {
      assertThat(c.rule()).isIn("bindingOpen", "alreadyLinked");
      assertThat(c.openCaseNumber()).isEqualTo(cn);
    });
    assertThat(count("select count(*) from card_case where case_type = 'FAMILY_BINDING' and id_bidx = ?", bidx(holder)))
        .as("one binding case").isEqualTo(1);
    await("linked", () -> cases.get(cn).closedAt() != null);
    assertThat(count("select count(*) from family_link where holder_bidx = ? and member_bidx = ?", bidx(holder), bidx(member)))
        .as("one link").isEqualTo(1);
    assertThat(notifications(cn)).as("the member told once").containsOnlyOnce("family-linked");
  }

  @Test
  void theMemberLimitHoldsWhenRequestsForDifferentMembersArriveTogether() throws Exception {
    // the guides set no limit: a centre that sets one (cardcase.family.max-members) has it hold under load
    families.rules().setMaxMembers(5);
    try {
      theCentresMemberLimitHolds();
    } finally {
      families.rules().setMaxMembers(0);
    }
  }

  void theCentresMemberLimitHolds() throws Exception {
    String holder = id("19660107", "023");
    int already = families.rules().getMaxMembers() - 1;
    for (int i = 0; i < already; i++) {
      jdbc.sql("""
          insert into family_link (holder_id_number, member_id_number, member_name, relationship, channel)
          values (?, ?, ?, 'CHILD', 'web-portal')""").params(holder, id("20160107", String.format("%03d", 101 + 2 * i)), "子" + i)
          .update();
    }
    List<FamilyBindings.Request> requests = new ArrayList<>();
    List<CitizenAssertions.Proof> proofs = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      requests.add(binding(holder, id("19400107", String.format("%03d", 201 + 2 * i)), "长辈" + i, "PARENT"));
      proofs.add(proof("web-portal", holder));
    }
    Outcome<String> o = atTheSameMoment(i -> () -> families.request(requests.get(i), "web-portal", proofs.get(i)));
    String cn = exactlyOneTaken(o);
    assertThat(o.conflicts()).allSatisfy(c -> {
      assertThat(c.rule()).isEqualTo("tooManyMembers");
      assertThat(c.getMessage()).isEqualTo("the holder already has 5 linked members, the most the service centre allows"
          + " (the service centre's rule, not the guides': cardcase.family.max-members)");
    });
    assertThat(count("select count(*) from card_case where case_type = 'FAMILY_BINDING' and id_bidx = ?", bidx(holder)))
        .as("one binding case").isEqualTo(1);
    await("linked", () -> cases.get(cn).closedAt() != null);
    assertThat(families.links(holder)).as("the limit, not more").hasSize(5);
  }
}
