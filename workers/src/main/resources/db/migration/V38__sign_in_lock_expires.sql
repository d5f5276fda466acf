-- Owner: access. A lock after failed sign-ins ends by itself (locked_until); a lock an administrator
-- sets has no end (locked_until null) and is lifted only by an unlock. Locks left by the earlier
-- rule (until an administrator unlocked) end 15 minutes after they began, as the new rule says.
alter table staff_user add column locked_until timestamptz;
update staff_user set locked_until = locked_at + interval '15 minutes' where locked_at is not null;
