-- The audit chain becomes an HMAC under a key kept outside PostgreSQL (issue 26). key_id names the
-- key an entry was signed with; entries written before it (null) keep their plain SHA-256.
alter table audit_entry add column key_id text;

-- Anchors: the chain of all entries, range by range in id order, signed with the key and also
-- written to an append-only file outside the database (see AuditAnchors).
create table audit_anchor (
  n          bigint primary key,
  at         timestamptz not null,
  from_id    bigint not null,        -- exclusive
  to_id      bigint not null,        -- inclusive
  entries    bigint not null,
  key_id     text not null,
  digest     text not null            -- HMAC(key, previous digest, the hashes of the range in id order)
);
