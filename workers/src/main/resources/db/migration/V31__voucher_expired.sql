-- Owners: reissue (voucher), cards (card). A replacement card never collected: its pickup
-- certificate stops being a temporary medical voucher when the case is escalated (guide 004, issue 13).
alter table voucher drop constraint voucher_state_check;
alter table voucher add constraint voucher_state_check check (state in ('VALID', 'USED', 'REVOKED', 'EXPIRED'));
-- a terminal prints the holder's certificate again; terminals and counters read the card number
create index voucher_holder on voucher (holder_id_number, issued_at);
create index card_number on card (card_number);
