-- Owner: idempotency (idempotency_key).
-- The Idempotency-Key of a channel's or partner's POST (IETF httpapi draft "The Idempotency-Key
-- HTTP Header Field"). The row is inserted, under its primary key, before the request is
-- processed: a second request with the key finds it and is not processed (409 while the first is
-- in progress, the first's answer once it is done, 422 for another request under the same key).
-- A 5xx answer deletes the row, so a retry may proceed. Kept until expires_at, then purged.

create table idempotency_key (
  channel        text not null,              -- the authenticated client (principal name)
  key            text not null,              -- 1 to 255 printable ASCII characters
  fingerprint    text not null,              -- hex SHA-256 of method, path and body
  method         text not null,
  path           text not null,
  state          text not null,              -- IN_PROGRESS, DONE
  attempt        text not null,              -- which attempt holds the key (only it completes or releases it)
  status         int,                        -- the answer, once DONE
  headers        jsonb,                      -- the answer's headers that matter (Location, Content-Type, ...)
  body           bytea,
  created_at     timestamptz not null default now(),
  completed_at   timestamptz,
  expires_at     timestamptz not null,
  primary key (channel, key)
);
create index idempotency_key_expires on idempotency_key (expires_at);
