-- Card pickup certificates: issued when a reissue is accepted; a temporary medical voucher until
-- the new card is handed over.
create sequence voucher_seq;
create table voucher (
  number            text primary key,
  case_number       text not null unique references card_case(case_number),
  holder_id_number  text not null,
  holder_name       text not null,
  old_card_id       text not null references card(card_id),
  new_card_id       text not null references card(card_id),
  state             text not null check (state in ('VALID', 'USED', 'REVOKED')),
  pickup_date       date not null,
  issued_by         text not null,
  issued_at         timestamptz not null default now(),
  ended_at          timestamptz
);

-- Family members linked to a holder's personal medical account.
create table family_link (
  id                bigserial primary key,
  holder_id_number  text not null,
  member_id_number  text not null,
  member_name       text not null,
  relationship      text not null,
  channel           text not null,
  case_number       text references card_case(case_number),
  child_e_card      text,                    -- the electronic voucher number for a minor added as child
  created_at        timestamptz not null default now(),
  removed_at        timestamptz,
  removed_by        text
);
create unique index family_link_active on family_link (holder_id_number, member_id_number) where removed_at is null;

-- Case-specific data (delegate, relationship, ...) lives in card_case.data (jsonb).
create sequence child_e_card_seq;
