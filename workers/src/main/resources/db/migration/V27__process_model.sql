-- Owner: flow. Every version of every process model this system has run, kept in PostgreSQL (the
-- system of record for models too). Numbered here: an engine that starts without its state numbers
-- its versions anew, so the engine's number is not the model's.
create table process_model (
  process_id  text not null,
  version     int not null,
  file_name   text not null,
  sha256      text not null,
  bpmn        bytea not null,
  source      text not null,                 -- SHIPPED: came with the application
  recorded_at timestamptz not null default now(),
  primary key (process_id, version)
);
