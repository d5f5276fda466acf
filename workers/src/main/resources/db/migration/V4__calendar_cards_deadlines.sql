-- The working-day calendar is data: one row per loaded year, one per exception day in it.
create table calendar_year (
  year        int primary key,
  source      text not null,                 -- where the arrangement came from (notice, file)
  updated_at  timestamptz not null default now(),
  updated_by  text not null
);

create table calendar_day (
  day         date primary key,
  year        int not null references calendar_year(year),
  kind        text not null check (kind in ('HOLIDAY', 'WORKDAY')),
  occasion    text not null
);

-- Every deadline a case has, with what it was computed from, so that it can be recomputed when
-- the calendar of a year it depends on is added or corrected.
create table case_deadline (
  case_number   text not null references card_case(case_number),
  name          text not null,               -- the process variable that carries it, e.g. productionDueAt
  start_at      timestamptz not null,
  working_days  int not null,
  due_at        timestamptz not null,
  provisional   boolean not null,
  updated_at    timestamptz not null default now(),
  primary key (case_number, name)
);
create index case_deadline_provisional on case_deadline (due_at) where provisional;

-- Cards and their lifecycle. The case that produced a card is kept; a replacement names the card it replaces.
create sequence card_id_seq;

create table card (
  card_id           text primary key,
  case_number       text not null references card_case(case_number),
  holder_id_number  text not null,
  holder_name       text not null,
  issuing_bank      text,
  card_number       text,                    -- printed on the card, given by the producer
  medical_insurance_number text,             -- the barcode number, issued by the system
  state             text not null,
  replaces_card_id  text references card(card_id),
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);
create index card_holder on card (holder_id_number);
create unique index card_by_case on card (case_number);

create table card_transition (
  id          bigserial primary key,
  card_id     text not null references card(card_id),
  from_state  text,                          -- null for the first state
  to_state    text not null,
  actor       text not null,
  channel     text,
  reason      text not null,
  at          timestamptz not null,
  event_key   text not null,
  unique (card_id, event_key)
);

-- A consumed inbound message: a flag, as that is all it ever held.
alter table inbound_message add column consumed boolean not null default false;
update inbound_message set consumed = true where consumed_seq is not null;
alter table inbound_message drop column consumed_seq;
