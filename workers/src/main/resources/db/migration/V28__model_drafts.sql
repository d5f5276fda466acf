-- Owner: flow. Which kept model version each case runs on, who made and approved each version, and
-- analysts' drafts of the next version (saved as they edit, proposed, approved by a second person).
alter table process_model add column author text, add column approved_by text, add column comment text;

alter table process_link add column model_version int;
-- open cases that started before versions were tracked ran on the version kept last
update process_link l set model_version = (select max(m.version) from process_model m where m.process_id = l.bpmn_process_id)
where l.ended_at is null;

create table model_draft (
  id             bigserial primary key,
  process_id     text not null,
  base_version   int,                      -- the kept version it was made from
  file_name      text not null,
  bpmn           bytea not null,
  revision       int not null default 1,   -- bumped by each save: a save of an older revision is refused
  status         text not null default 'DRAFT', -- DRAFT, PROPOSED, DEPLOYED, REJECTED, WITHDRAWN
  comment        text,
  created_by     text not null,
  created_at     timestamptz not null default now(),
  saved_by       text not null,
  saved_at       timestamptz not null default now(),
  decided_by     text,
  decided_at     timestamptz,
  decision_note  text,
  deployed_version int
);
create index model_draft_process on model_draft (process_id, status);

-- Who has a draft open in the editor (a heartbeat), so that two analysts on one draft are told.
create table model_draft_editor (
  draft_id  bigint not null references model_draft(id),
  username  text not null,
  seen_at   timestamptz not null default now(),
  primary key (draft_id, username)
);
