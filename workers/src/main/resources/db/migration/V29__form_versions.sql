-- Owner: flow. Every version of every task form, kept like the process models. A process model
-- names the form version its user tasks show (formKey "cardcase:<form>@<version>"); a form key
-- without a version means the form as the application ships it.
create table form_model (
  form_key    text not null,                 -- cardcase:<form>
  version     int not null,
  json        bytea not null,
  sha256      text not null,
  source      text not null,                 -- SHIPPED or APPROVED
  author      text,
  approved_by text,
  comment     text,
  recorded_at timestamptz not null default now(),
  primary key (form_key, version)
);

-- a draft is of a process model or of a task form
alter table model_draft add column kind text not null default 'PROCESS';
