-- Owner: flow (the engine glue). Each start or replacement of the in-process engine is a generation:
-- it starts with empty state and is given every open case back from PostgreSQL.
create table engine_generation (
  generation       bigint primary key,
  reason           text not null,              -- START (the application started), HEAL (the engine failed)
  failure          text,                       -- what was wrong with the generation before (HEAL)
  started_at       timestamptz not null default now(),
  ready_at         timestamptz,                -- models deployed, workers open: new cases flow again
  cases_to_resume  int not null default 0,
  cases_resumed    int not null default 0,
  resume_failures  int not null default 0,
  resumed_at       timestamptz                 -- every open case given back
);

-- the generation whose engine holds the case's instance; older ones are gone and must be resumed
alter table process_link add column engine_generation bigint not null default 0;
-- the start that may run the case: an instance started with another token is a duplicate
alter table process_link add column start_token text;
create index process_link_started_open on process_link (case_number)
  where ended_at is null and process_instance_key is not null;
create index process_link_unstarted on process_link (case_number)
  where ended_at is null and process_instance_key is null;

-- a completion stored but not yet taken by the engine (it was away): sent again until it is
alter table human_task add column completion_pending boolean not null default false;
create index human_task_completion_pending on human_task (id) where completion_pending;

-- a resume reads each case's unconsumed messages
create index inbound_message_case on inbound_message (case_number);
-- the sweeper looks for messages stored but not yet published
create index inbound_message_unpublished on inbound_message (received_at) where published_at is null;
