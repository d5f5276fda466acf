package org.cardcase.infra.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.cardcase.infra.PasswordFile;

/**
 * Least privilege in the embedded PostgreSQL. Three roles, each with its own generated password
 * (kept in {@code <data-dir>/keys/postgres.passwords}, owner-only):
 * <ul>
 *   <li>{@code postgres}, the superuser: only this class and the administrator use it;</li>
 *   <li>{@value #OWNER}: owns the database, its schema and every table; the migrations run as it;</li>
 *   <li>{@value #APP}: the application. It reads and writes rows, but owns nothing, so it cannot
 *   alter or drop a table, disable the audit trail's trigger or truncate a table; on
 *   {@code audit_entry} it may only read and insert.</li>
 * </ul>
 * Every connection, local socket or loopback, needs a password (scram-sha-256).
 */
public final class DatabaseRoles {
  public static final String SUPERUSER = "postgres";
  public static final String OWNER = "cardcase_owner";
  public static final String APP = "cardcase_app";

  private final Map<String, String> passwords;

  private DatabaseRoles(Map<String, String> passwords) {
    this.passwords = passwords;
  }

  public String password(String role) {
    return passwords.get(role);
  }

  /** The passwords of this data directory, made (random, 24 bytes each) the first time. */
  public static DatabaseRoles of(Path dataDir) {
    Path file = file(dataDir);
    return new DatabaseRoles(
        PasswordFile.readOrCreate(file, "passwords of the embedded PostgreSQL's roles (made by CardCase)", SUPERUSER, OWNER, APP));
  }

  public static Path file(Path dataDir) {
    return dataDir.resolve("keys").resolve("postgres.passwords");
  }

  /**
   * Run as the superuser on a started server: passwords set, the two roles made, the database
   * owned by the owner with everything in it (an installation from before these roles had it all
   * owned by {@code postgres}), the application's rights granted, and password authentication
   * switched on (a data directory made by initdb trusts every local connection).
   */
  void apply(int port, String database, Path pgData) throws SQLException, IOException {
    try (Connection c = connect(port, "postgres", SUPERUSER); Statement st = c.createStatement()) {
      st.execute("alter role postgres password " + literal(password(SUPERUSER)));
      for (String role : new String[] {OWNER, APP}) {
        st.execute("do $$ begin if not exists (select 1 from pg_roles where rolname = '" + role + "') then "
            + "create role " + role + " login nosuperuser nocreatedb nocreaterole noreplication; end if; end $$");
        st.execute("alter role " + role + " login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password "
            + literal(password(role)));
      }
      var exists = c.prepareStatement("select 1 from pg_database where datname = ?");
      exists.setString(1, database);
      if (!exists.executeQuery().next()) {
        st.execute("create database " + database + " owner " + OWNER);
      }
      st.execute("alter database " + database + " owner to " + OWNER);
      st.execute("revoke all on database " + database + " from public");
      st.execute("grant connect on database " + database + " to " + APP);
    }
    try (Connection c = connect(port, database, SUPERUSER); Statement st = c.createStatement()) {
      st.execute("alter schema public owner to " + OWNER);
      st.execute("revoke create on schema public from public");
      // what an earlier version made as postgres now belongs to the owner
      st.execute("""
          do $$ declare r record; begin
            -- tables before sequences: a table takes the sequences of its serial columns along
            -- (those cannot be given away on their own)
            for r in select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
                     where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S')
                       and pg_get_userbyid(c.relowner) <> 'cardcase_owner'
                       and not (c.relkind = 'S' and exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                                  and d.objid = c.oid and d.deptype in ('a', 'i')))
                     order by c.relkind = 'S' loop
              execute format(case r.relkind when 'S' then 'alter sequence public.%I owner to cardcase_owner'
                                            when 'v' then 'alter view public.%I owner to cardcase_owner'
                                            when 'm' then 'alter materialized view public.%I owner to cardcase_owner'
                                            else 'alter table public.%I owner to cardcase_owner' end, r.relname);
            end loop;
            for r in select p.oid::regprocedure as f from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                     where n.nspname = 'public' and pg_get_userbyid(p.proowner) <> 'cardcase_owner' loop
              execute format('alter function %s owner to cardcase_owner', r.f);
            end loop;
          end $$""");
    }
    try (Connection c = connect(port, database, OWNER); Statement st = c.createStatement()) {
      grants(st);
    }
    writeHba(pgData);
    try (Connection c = connect(port, "postgres", SUPERUSER); Statement st = c.createStatement()) {
      st.execute("select pg_reload_conf()");
    }
  }

  /** The application's rights on what exists now and on what the owner makes later. */
  static void grants(Statement st) throws SQLException {
    st.execute("grant usage on schema public to " + APP);
    st.execute("grant select, insert, update, delete on all tables in schema public to " + APP);
    st.execute("grant usage, select, update on all sequences in schema public to " + APP);
    st.execute("alter default privileges for role " + OWNER + " in schema public grant select, insert, update, delete on tables to " + APP);
    st.execute("alter default privileges for role " + OWNER + " in schema public grant usage, select, update on sequences to " + APP);
    // the audit trail: read and append, nothing else (the trigger refuses too; this does not rely on it)
    st.execute("do $$ begin if exists (select 1 from pg_class where relname = 'audit_entry' and relnamespace = 'public'::regnamespace) "
        + "then revoke update, delete, truncate on public.audit_entry from " + APP + "; end if; end $$");
    // nor may it touch the record of which migrations ran
    st.execute("do $$ begin if exists (select 1 from pg_class where relname = 'flyway_schema_history' and relnamespace = 'public'::regnamespace) "
        + "then revoke insert, update, delete, truncate on public.flyway_schema_history from " + APP + "; end if; end $$");
  }

  private static void writeHba(Path pgData) throws IOException {
    String hba = """
        # written by CardCase: every connection needs its role's password
        local   all   all                  scram-sha-256
        host    all   all   127.0.0.1/32   scram-sha-256
        host    all   all   ::1/128        scram-sha-256
        """;
    Path file = pgData.resolve("pg_hba.conf");
    if (!Files.exists(file) || !Files.readString(file).equals(hba)) {
      Files.writeString(file, hba);
    }
  }

  Connection connect(int port, String database, String role) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", role);
    p.setProperty("password", password(role));
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
