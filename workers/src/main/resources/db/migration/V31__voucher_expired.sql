-- Owner: reissue (voucher). A replacement card never collected: its pickup certificate stops being a
-- temporary medical voucher when the case is escalated (guide 004 rule, issue 13).
alter table voucher drop constraint voucher_state_check;
alter table voucher add constraint voucher_state_check check (state in ('VALID', 'USED', 'REVOKED', 'EXPIRED'));
