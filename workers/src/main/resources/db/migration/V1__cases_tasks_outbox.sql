-- System of record for card cases. Elasticsearch is only a read model fed from search_outbox.

create table channel_client (
  channel       text primary key,           -- web-portal, alipay, wechat, phone-line, counter, terminal, hospital
  display_name  text not null,
  secret_hash   text not null,              -- BCrypt
  enabled       boolean not null default true,
  created_at    timestamptz not null default now()
);

create table api_call (
  id            bigserial primary key,
  channel       text,                       -- null when authentication failed
  method        text not null,
  path          text not null,
  status        int not null,
  case_number   text,
  at            timestamptz not null default now()
);
create index api_call_at on api_call (at);

create sequence case_number_seq;

create table card_case (
  case_number   text primary key,
  case_type     text not null,              -- CARD_APPLICATION, ...
  status        text not null,              -- RECEIVED, IN_PROGRESS, COMPLETED, REJECTED, CANCELLED
  current_step  text not null,              -- BPMN element id the case is at (or RECEIVED)
  channel       text not null,
  applicant_name text not null,
  id_number     text not null,
  sex           text not null,
  phone         text not null,
  issuing_bank  text,
  data          jsonb not null default '{}',
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  closed_at     timestamptz
);
create index card_case_id_number on card_case (id_number);
create index card_case_status on card_case (status);

-- Where each open case is in its process, so that an engine that lost its state can resume it.
create table process_link (
  case_number          text primary key references card_case(case_number),
  bpmn_process_id      text not null,
  process_instance_key bigint,              -- null until the engine accepted the start
  wait_element         text,                -- element the case last entered a wait state in
  wait_seq             int not null default 0, -- bumped each time a wait state is entered
  variables            jsonb not null default '{}',
  started_at           timestamptz,
  resumed_count        int not null default 0,
  ended_at             timestamptz,
  updated_at           timestamptz not null default now()
);
create index process_link_open on process_link (case_number) where ended_at is null;

-- Human tasks (job-worker user tasks) kept in our own task store.
create table human_task (
  id            bigserial primary key,
  case_number   text not null references card_case(case_number),
  element_id    text not null,
  wait_seq      int not null,
  job_key       bigint,
  form_key      text,
  candidate_group text,
  assignee      text,
  state         text not null,              -- OPEN, COMPLETED
  due_at        timestamptz,
  result        jsonb,
  completed_by  text,
  created_at    timestamptz not null default now(),
  completed_at  timestamptz,
  unique (case_number, element_id, wait_seq)
);
create index human_task_open on human_task (state, candidate_group);

-- Messages from outside (bank callbacks, branch confirmations) kept so they survive restarts.
create table inbound_message (
  message_id    text primary key,           -- the sender's id: a duplicate callback is stored once
  name          text not null,
  case_number   text not null references card_case(case_number),
  variables     jsonb not null default '{}',
  received_at   timestamptz not null default now(),
  consumed_seq  int                         -- wait_seq of the wait state it was published into
);

-- Transactional outbox feeding the Elasticsearch read model.
create table search_outbox (
  id            bigserial primary key,
  case_number   text not null,
  created_at    timestamptz not null default now(),
  indexed_at    timestamptz
);
create index search_outbox_pending on search_outbox (id) where indexed_at is null;
