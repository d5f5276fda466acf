-- Retention of personal data (issue 26 item 4): a case document's content is set to null once its
-- retention period is over; the row stays, saying when and why, so the case file can say so.
alter table case_document alter column bytes drop not null;
alter table case_document add column removed_at timestamptz;
alter table case_document add column removed_reason text;
-- a message's text (it may name the citizen and the date and place to collect a card) is redacted;
-- the template, the time and the provider's id stay
alter table notification alter column text drop not null;
alter table notification add column redacted_at timestamptz;

-- the daily job's search: closed cases in order of closing, and messages not yet redacted
create index if not exists card_case_closed_at on card_case (closed_at) where closed_at is not null;
create index notification_unredacted on notification (sent_at) where redacted_at is null;

-- each run of the personal-data retention job: what it did, and whether it finished
create table retention_run (
  id                     bigserial primary key,
  trigger                text not null,              -- schedule, or the administrator who ran it
  started_at             timestamptz not null default now(),
  finished_at            timestamptz,
  cases                  int not null default 0,      -- cases with something removed (one audit entry each)
  documents_removed      int not null default 0,
  messages_redacted      int not null default 0,
  failure                text
);
-- one run at a time, across every instance of the application
create unique index retention_run_one_at_a_time on retention_run ((true)) where finished_at is null;
