-- Owner: incidents. A step whose retries ran out (an outside system down, a bank refusing an order):
-- what a supervisor sees and acts on. Kept in PostgreSQL, so an incident survives an engine restart
-- (the engine's own incident is gone with its state; the resumed case runs the step again and, if it
-- still fails, the same open incident is raised again: times counts the raises).
create table incident (
  id bigserial primary key,
  case_number text not null references card_case (case_number),
  process_id text not null,
  element_id text not null,
  job_type text not null,
  error text not null,
  first_raised_at timestamptz not null default now(),
  raised_at timestamptz not null default now(),
  times int not null default 1,
  engine_generation bigint not null,
  process_instance_key bigint not null,
  element_instance_key bigint not null,
  job_key bigint not null,
  -- OPEN: waits for a person; RETRYING: a person asked for the step to run again;
  -- RESOLVED: the step succeeded later; CANCELLED: the case was cancelled instead
  state text not null default 'OPEN' check (state in ('OPEN', 'RETRYING', 'RESOLVED', 'CANCELLED')),
  acted_by text,
  acted_at timestamptz,
  reason text,
  closed_at timestamptz
);
-- at most one incident per step of a case that is not closed
create unique index incident_live on incident (case_number, element_id) where closed_at is null;
create index incident_open on incident (raised_at desc) where closed_at is null;
