-- Owner: search. Documents Elasticsearch refused for what they are (a 4xx answer other than 429,
-- e.g. a mapping error): the case is set aside here with the reason instead of blocking the
-- indexing of everything after it. An administrator retries it (it goes back into the outbox)
-- or skips it (audited on the case); a later change of the case that indexes closes it as INDEXED.
create table search_dead_letter (
  id                bigserial primary key,
  case_number       text not null,
  document_index    text not null,                    -- the index of the first refused document
  document_id       text not null,
  http_status       int not null,
  error_type        text,
  reason            text not null,
  refusals          int not null default 1,            -- how often the case was refused while set aside
  first_refused_at  timestamptz not null default now(),
  last_refused_at   timestamptz not null default now(),
  state             text not null default 'REFUSED'
                    check (state in ('REFUSED', 'RETRIED', 'SKIPPED', 'INDEXED')),
  resolved_at       timestamptz,
  resolved_by       text,
  note              text
);
-- at most one open dead letter per case
create unique index search_dead_letter_open on search_dead_letter (case_number) where state = 'REFUSED';
create index search_dead_letter_recent on search_dead_letter (last_refused_at desc);

-- The outbox holds only what waits: indexed rows are deleted from now on, and those indexed before are gone.
delete from search_outbox where indexed_at is not null;
