-- Personal data at rest (issue 26 item 1): each record's personal fields sealed by the application
-- (envelope encryption, org.cardcase.privacy), lookups and at-most-one rules by blind index (a keyed
-- HMAC of the normalised ID number). The plain columns stay, nullable, until the application has
-- encrypted the rows written before this version (it empties them as it goes, at start); a later
-- migration drops them and the *_plain indexes.

alter table card_case add column personal bytea;       -- {applicantName, idNumber, phone, data: {childName, ...}}
alter table card_case add column id_bidx bytea;        -- blind index of id_number
alter table card_case add column member_bidx bytea;    -- blind index of the other person's ID number (child, family member)
alter table card_case alter column applicant_name drop not null;
alter table card_case alter column id_number drop not null;
alter table card_case alter column phone drop not null;
create index card_case_id_bidx on card_case (id_bidx);
create index card_case_member_bidx on card_case (member_bidx) where member_bidx is not null;

alter index card_case_one_open_application rename to card_case_one_open_application_plain;
alter index card_case_one_open_reissue rename to card_case_one_open_reissue_plain;
alter index card_case_one_open_child_card rename to card_case_one_open_child_card_plain;
create unique index card_case_one_open_application on card_case (id_bidx)
  where case_type = 'CARD_APPLICATION' and closed_at is null;
create unique index card_case_one_open_reissue on card_case (id_bidx)
  where case_type = 'REISSUE' and closed_at is null;
create unique index card_case_one_open_child_card on card_case (member_bidx)
  where case_type = 'CHILD_E_CARD' and closed_at is null;

alter table card add column personal bytea;            -- {holderIdNumber, holderName, medicalInsuranceNumber}
alter table card add column holder_bidx bytea;
alter table card add column medical_insurance_number_masked text; -- for lists; set with the number
alter table card alter column holder_id_number drop not null;
alter table card alter column holder_name drop not null;
create index card_holder_bidx on card (holder_bidx);

alter table voucher add column personal bytea;         -- {holderIdNumber, holderName}
alter table voucher add column holder_bidx bytea;
alter table voucher alter column holder_id_number drop not null;
alter table voucher alter column holder_name drop not null;
create index voucher_holder_bidx on voucher (holder_bidx);

alter table family_link add column personal bytea;     -- {holderIdNumber, memberIdNumber, memberName}
alter table family_link add column holder_bidx bytea;
alter table family_link add column member_bidx bytea;
alter table family_link alter column holder_id_number drop not null;
alter table family_link alter column member_id_number drop not null;
alter table family_link alter column member_name drop not null;
alter index family_link_active rename to family_link_active_plain;
create unique index family_link_active on family_link (holder_bidx, member_bidx) where removed_at is null;

alter table case_document add column bytes_sealed bytea; -- the photo or scan, sealed
alter table case_document alter column bytes drop not null;

alter table notification add column personal bytea;    -- {recipient, text}
alter table notification alter column recipient drop not null;
alter table notification alter column text drop not null;

alter table idempotency_key add column body_sealed bytea; -- a stored answer may carry a name or an ID number
