package org.cardcase.infra.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * An installation from before the roles (everything made by {@code postgres}, every local
 * connection trusted) is brought to least privilege at its next start, its data kept.
 */
class DatabaseRolesTest {

  @Test
  void anEarlierInstallationIsHandedToTheOwnerAndClosedToConnectionsWithoutAPassword() throws Exception {
    Path dataDir = Files.createTempDirectory("roles-test");
    Path pgData = dataDir.resolve("postgres");
    DatabaseRoles roles = DatabaseRoles.of(dataDir);
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false)
        .setConnectConfig("password", roles.password(DatabaseRoles.SUPERUSER)).start()) {
      int port = pg.getPort();
      // as the earlier version left it: the database, a table, a sequence and a trigger function, all the superuser's
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
          Statement st = c.createStatement()) {
        st.execute("create database cardcase");
      }
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/cardcase", "postgres", "");
          Statement st = c.createStatement()) {
        st.execute("create table audit_entry (id bigserial primary key, actor text)");
        st.execute("insert into audit_entry (actor) values ('clerk')");
        st.execute("create function refuse() returns trigger language plpgsql as $$ begin raise exception 'append-only'; end $$");
        st.execute("create trigger append_only before update or delete on audit_entry for each row execute function refuse()");
      }

      roles.apply(port, "cardcase", pgData);

      String url = "jdbc:postgresql://127.0.0.1:" + port + "/cardcase";
      assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "")).hasMessageContaining("password");
      try (Connection c = DriverManager.getConnection(url, DatabaseRoles.OWNER, roles.password(DatabaseRoles.OWNER));
          Statement st = c.createStatement()) {
        ResultSet r = st.executeQuery("select tableowner from pg_tables where tablename = 'audit_entry'");
        r.next();
        assertThat(r.getString(1)).isEqualTo(DatabaseRoles.OWNER);
        r = st.executeQuery("select pg_get_userbyid(proowner) from pg_proc where proname = 'refuse'");
        r.next();
        assertThat(r.getString(1)).isEqualTo(DatabaseRoles.OWNER);
      }
      try (Connection c = DriverManager.getConnection(url, DatabaseRoles.APP, roles.password(DatabaseRoles.APP));
          Statement st = c.createStatement()) {
        // the data is kept and the application may read and append, nothing more
        ResultSet r = st.executeQuery("select count(*) from audit_entry");
        r.next();
        assertThat(r.getInt(1)).isEqualTo(1);
        st.execute("insert into audit_entry (actor) values ('supervisor')");
        assertThatThrownBy(() -> st.execute("delete from audit_entry")).hasMessageContaining("permission denied");
        assertThatThrownBy(() -> st.execute("alter table audit_entry disable trigger append_only")).hasMessageContaining("must be owner");
      }
      // a second start finds everything as it should be and changes nothing
      roles.apply(port, "cardcase", pgData);
      assertThat(DatabaseRoles.of(dataDir).password(DatabaseRoles.APP)).isEqualTo(roles.password(DatabaseRoles.APP));
    }
  }
}
