-- Owner: access. Staff sign-in locks after repeated failures until an administrator unlocks it
-- (both audited); kept here so that a restart does not unlock anyone.
alter table staff_user add column failed_sign_ins int not null default 0, add column locked_at timestamptz;
