-- Documents of a case (photos, scans, letters). A resubmission adds a version; nothing is overwritten.
create table case_document (
  id            bigserial primary key,
  case_number   text not null references card_case(case_number),
  kind          text not null,               -- reference_item DOCUMENT_KIND code
  version       int not null,
  content_type  text not null,
  bytes         bytea not null,
  size_bytes    int not null,
  width         int,
  height        int,
  sha256        text not null,
  uploaded_by   text not null,
  uploaded_at   timestamptz not null default now(),
  unique (case_number, kind, version)
);

-- Every message sent to a citizen (SMS or app). The key makes a retried step send nothing twice.
create table notification (
  id            bigserial primary key,
  case_number   text references card_case(case_number),
  event_key     text not null unique,
  recipient     text not null,               -- phone number
  medium        text not null,               -- SMS, APP
  template      text not null,
  text          text not null,
  sent_at       timestamptz not null default now(),
  provider_id   text                         -- the gateway's message id
);
create index notification_case on notification (case_number);

-- Each verification round of a case: what the checks found and what was decided.
create table verification_round (
  case_number   text not null references card_case(case_number),
  round         int not null,
  documents_ok  boolean,
  document_problem text,
  registry_result text,                      -- MATCH, NO_MATCH
  photo_similarity numeric(4, 3),
  outcome       text,                        -- VERIFIED, REJECTED, NEW_PHOTO_REQUESTED
  reason        text,
  decided_by    text,
  updated_at    timestamptz not null default now(),
  primary key (case_number, round)
);

alter table card_case add column verification_round int not null default 1;

-- Medical insurance (barcode) numbers are issued by the system from this sequence.
create sequence medical_insurance_number_seq start 10000001;

-- A stored message whose publish never reached the engine is published by the recovery sweeper.
alter table inbound_message add column published_at timestamptz;
update inbound_message set published_at = received_at;
