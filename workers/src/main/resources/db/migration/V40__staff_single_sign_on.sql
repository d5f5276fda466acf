-- Staff who sign in through an OpenID Connect provider (single sign-on) keep a row here like everyone
-- else: the workspace reads work groups, language and display name from it. sso_subject names the
-- person at the provider ("<issuer> <sub>"); null means a local account. An SSO account's
-- password_hash is a random BCrypt nobody knows, and it cannot be replaced: a password set by an
-- administrator would make the account a local login beside the provider's.
alter table staff_user add column sso_subject text unique;

create function staff_user_sso_has_no_password() returns trigger language plpgsql as $$
begin
  raise exception 'staff account % signs in through single sign-on: it has no password to set', old.username
    using errcode = 'check_violation';
end $$;

create trigger staff_user_sso_has_no_password before update of password_hash on staff_user
  for each row when (old.sso_subject is not null and new.password_hash is distinct from old.password_hash)
  execute function staff_user_sso_has_no_password();
