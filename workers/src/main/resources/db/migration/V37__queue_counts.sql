-- Owner: tasks (human_task, task_queue_count).
-- Every queue page shows the queue's true size and how many of its tasks are overdue. Counting
-- 60 000 open tasks for each page took 17-40 ms; these counts are kept instead, per work group,
-- claimed or not, deadline day (in the service centre's zone), process, step and channel,
-- by triggers on human_task in the same transaction as the change. A page sums a few hundred rows.
create table task_queue_count (
  candidate_group text not null,
  assigned        boolean not null,
  due_day         date not null,       -- 'infinity' for a task without a deadline
  process_id      text not null,       -- '' when unknown
  element_id      text not null,
  case_channel    text not null,       -- '' when unknown
  n               bigint not null,
  primary key (candidate_group, assigned, due_day, process_id, element_id, case_channel)
);

create function task_queue_count_apply() returns trigger language plpgsql as $$
begin
  -- net change per key, applied in key order so that concurrent changes lock rows in one order
  if tg_op = 'INSERT' then
    insert into task_queue_count as c
    select coalesce(candidate_group, ''), assignee is not null,
           coalesce((due_at at time zone 'Asia/Shanghai')::date, 'infinity'::date), coalesce(process_id, ''), element_id,
           coalesce(case_channel, ''), count(*)
    from new_rows where state = 'OPEN' group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6
    on conflict (candidate_group, assigned, due_day, process_id, element_id, case_channel) do update set n = c.n + excluded.n;
  elsif tg_op = 'DELETE' then
    insert into task_queue_count as c
    select coalesce(candidate_group, ''), assignee is not null,
           coalesce((due_at at time zone 'Asia/Shanghai')::date, 'infinity'::date), coalesce(process_id, ''), element_id,
           coalesce(case_channel, ''), -count(*)
    from old_rows where state = 'OPEN' group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6
    on conflict (candidate_group, assigned, due_day, process_id, element_id, case_channel) do update set n = c.n + excluded.n;
  else
    insert into task_queue_count as c
    select g, a, d, p, e, ch, sum(delta) from (
      select coalesce(candidate_group, '') g, assignee is not null a,
             coalesce((due_at at time zone 'Asia/Shanghai')::date, 'infinity'::date) d, coalesce(process_id, '') p, element_id e,
             coalesce(case_channel, '') ch, 1 delta from new_rows where state = 'OPEN'
      union all
      select coalesce(candidate_group, ''), assignee is not null,
             coalesce((due_at at time zone 'Asia/Shanghai')::date, 'infinity'::date), coalesce(process_id, ''), element_id,
             coalesce(case_channel, ''), -1 from old_rows where state = 'OPEN') x
    group by 1, 2, 3, 4, 5, 6 having sum(delta) <> 0 order by 1, 2, 3, 4, 5, 6
    on conflict (candidate_group, assigned, due_day, process_id, element_id, case_channel) do update set n = c.n + excluded.n;
  end if;
  return null;
end $$;

create trigger task_queue_count_insert after insert on human_task referencing new table as new_rows
  for each statement execute function task_queue_count_apply();
create trigger task_queue_count_update after update on human_task referencing old table as old_rows new table as new_rows
  for each statement execute function task_queue_count_apply();
create trigger task_queue_count_delete after delete on human_task referencing old table as old_rows
  for each statement execute function task_queue_count_apply();

-- the tasks open now
insert into task_queue_count
select coalesce(candidate_group, ''), assignee is not null,
       coalesce((due_at at time zone 'Asia/Shanghai')::date, 'infinity'::date), coalesce(process_id, ''), element_id,
       coalesce(case_channel, ''), count(*)
from human_task where state = 'OPEN' group by 1, 2, 3, 4, 5, 6;
