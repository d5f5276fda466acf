-- Append-only audit trail, hash-chained per subject (a case or a card): each entry's hash covers
-- the previous entry's hash, so a changed or deleted entry breaks the chain from there on.
create table audit_entry (
  id          bigserial primary key,
  subject     text not null,                 -- case:SC..., card:...
  seq         int not null,
  at          timestamptz not null,
  actor       text not null,                 -- user, channel or 'system'
  channel     text,
  action      text not null,
  detail      jsonb not null default '{}',
  event_key   text not null,                 -- makes a redelivered step write nothing twice
  prev_hash   text not null,
  hash        text not null,
  unique (subject, seq),
  unique (subject, event_key)
);

create function audit_entry_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit entries are append-only';
end $$;

create trigger audit_entry_append_only before update or delete on audit_entry
  for each row execute function audit_entry_is_append_only();
