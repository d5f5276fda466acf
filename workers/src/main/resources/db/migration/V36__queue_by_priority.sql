-- Owner: tasks (human_task).
-- A group's queue sorted by priority (alerts for a person first, then the nearest deadline) is
-- walked in that order from an index too, instead of sorting the whole group's open tasks.
create index human_task_group_priority on human_task
  (candidate_group, (case when job_key = 0 then 0 else 1 end), coalesce(due_at, 'infinity'::timestamptz), id)
  include (due_at, process_id, element_id, case_channel) where state = 'OPEN' and assignee is null;
