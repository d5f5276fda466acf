-- Owner: simulators. Each simulator keeps the state its outside system would keep, so that after a
-- restart a stopped card stays stopped and a bank still sends the callbacks it owes. A real adapter
-- replaces a simulator by configuration (cardcase.simulators.enabled=false) and these stay empty.

-- population registry: calls per identity (test identity 998 answers only from the third call)
create table sim_registry_call (
  id_number  text primary key,
  calls      int not null
);

-- provincial card management system: one receipt per card
create table sim_provincial_receipt (
  card_id      text primary key,
  receipt      text not null,
  case_number  text not null,
  received_at  timestamptz not null default now()
);

-- issuing banks: orders, and the production callbacks each still owes
create table sim_bank_order (
  card_id         text primary key,
  order_ref       text not null,
  case_number     text not null,
  issuing_bank    text not null,
  card_number     text not null,
  late            boolean not null,          -- a late bank sends no callback by itself
  callback_at     timestamptz,               -- when the next callback is due
  callbacks_owed  int not null default 0,    -- callbacks still to send (a second one is a duplicate)
  ordered_at      timestamptz not null default now()
);
create index sim_bank_order_due on sim_bank_order (callback_at) where callbacks_owed > 0;

-- medical settlement: which cards are stopped
create table sim_settlement_card (
  card_id     text primary key,
  stopped     boolean not null,
  reference   text not null,
  stops       int not null default 0,
  changed_at  timestamptz not null default now()
);

-- SMS gateway: message ids go on across restarts
create sequence sim_sms_message_id;
