-- Owner: flow (the engine glue). A generation number is taken only by an engine that started: a
-- start that failed (its port taken, its disk full) is retried with backoff under the same number.
-- How many tries the start took, the failed ones included, and when the first of them began.
alter table engine_generation add column attempts int not null default 1;
alter table engine_generation add column first_attempt_at timestamptz;
