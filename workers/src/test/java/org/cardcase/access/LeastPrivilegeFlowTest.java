package org.cardcase.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.DriverManager;
import org.cardcase.FlowTest;
import org.cardcase.infra.InfraProperties;
import org.cardcase.infra.postgres.DatabaseRoles;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The embedded PostgreSQL as the application uses it (least privilege): the application's role
 * reads and writes rows and nothing more; every connection needs a password.
 */
class LeastPrivilegeFlowTest extends FlowTest {
  @Autowired InfraProperties props;

  @Test
  void theApplicationCannotDropTheAuditTrailsTriggerTruncateItOrAlterATable() throws Exception {
    String cn = apply("李四", id("19800101", "411"), null);
    assertThat(jdbc.sql("select current_user").query(String.class).single()).isEqualTo(DatabaseRoles.APP);
    assertThat(jdbc.sql("select count(*) from audit_entry where subject = ?").param("case:" + cn).query(Long.class).single())
        .isPositive();
    // what an attacker with the application's connection would try first
    assertThatThrownBy(() -> jdbc.sql("alter table audit_entry disable trigger audit_entry_append_only").update())
        .rootCause().hasMessageContaining("must be owner");
    assertThatThrownBy(() -> jdbc.sql("drop trigger audit_entry_append_only on audit_entry").update())
        .rootCause().hasMessageContaining("must be owner");
    assertThatThrownBy(() -> jdbc.sql("truncate audit_entry").update())
        .rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> jdbc.sql("delete from audit_entry where subject = ?").param("case:" + cn).update())
        .rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> jdbc.sql("update audit_entry set actor = 'x' where subject = ?").param("case:" + cn).update())
        .rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> jdbc.sql("alter table card_case add column x int").update())
        .rootCause().hasMessageContaining("must be owner");
    assertThatThrownBy(() -> jdbc.sql("create table x (id int)").update())
        .rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> jdbc.sql("delete from flyway_schema_history").update())
        .rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> jdbc.sql("alter role cardcase_app superuser").update())
        .rootCause().hasMessageContaining("must be superuser");
    // every table is the owner's, none the superuser's
    assertThat(jdbc.sql("select count(*) from pg_tables where schemaname = 'public' and tableowner <> ?")
        .param(DatabaseRoles.OWNER).query(Long.class).single()).isZero();

    // no connection without the password, not even the superuser's on the loopback
    int port = jdbc.sql("select inet_server_port()").query(Integer.class).single();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/cardcase";
    assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "")).hasMessageContaining("password");
    assertThatThrownBy(() -> DriverManager.getConnection(url, DatabaseRoles.APP, "wrong")).hasMessageContaining("password authentication failed");
    // the passwords are in a file only the owner of the process may read
    Path dataDir = props.getDataDir();
    Path passwords = DatabaseRoles.file(dataDir);
    assertThat(Files.getPosixFilePermissions(passwords)).containsExactlyInAnyOrder(
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    try (var c = DriverManager.getConnection(url, DatabaseRoles.APP, DatabaseRoles.of(dataDir).password(DatabaseRoles.APP))) {
      assertThat(c.isValid(2)).isTrue();
    }
  }
}
