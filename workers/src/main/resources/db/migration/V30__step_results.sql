-- Owner: flow. What each automated step of a case returned (the decisions it took, e.g. the
-- registry's verdict), so that a draft of its process can be tried on the case later.
create table step_result (
  id          bigserial primary key,
  case_number text not null,
  element_id  text not null,
  job_key     bigint not null,             -- a job delivered again is kept once
  variables   jsonb not null,
  recorded_at timestamptz not null default now()
);
create index step_result_case on step_result (case_number, id);
create unique index step_result_job on step_result (job_key, case_number);
