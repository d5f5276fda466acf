-- Claiming, and filters saved by name on the server (shared with a work group if wished).
alter table human_task add column claimed_at timestamptz;
create index human_task_assignee on human_task (assignee) where state = 'OPEN';

create table task_filter (
  id            bigserial primary key,
  owner         text not null,
  name          text not null,
  shared_group  text,                       -- null: only the owner sees it
  criteria      jsonb not null,
  created_at    timestamptz not null default now(),
  unique (owner, name)
);
