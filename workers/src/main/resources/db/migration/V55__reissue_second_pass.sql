-- Owners: reissue (voucher), simulators (sim_bank_order, sim_provincial_receipt). Issue 25.
-- The pickup date on the certificate follows the case's deadline: it says whether it was counted into
-- a year whose holiday arrangement is not yet published (provisional), and a revoked certificate says why.
alter table voucher add column pickup_provisional boolean not null default false;
alter table voucher add column end_reason text;
-- The card producers keep a digest (SHA-256, hex) of the portrait they were sent with the order.
alter table sim_bank_order add column portrait_sha256 text;
alter table sim_provincial_receipt add column portrait_sha256 text;
