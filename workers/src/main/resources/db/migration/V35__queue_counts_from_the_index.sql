-- Owner: tasks (human_task).
-- Every queue page shows the queue's true size and overdue count. With 60 000 open tasks those
-- counts read every task's row; with the deadline and the filtered columns in the queue indexes
-- they are answered from the indexes alone (index-only scans).
drop index if exists human_task_group_queue;
create index human_task_group_queue on human_task (candidate_group, coalesce(due_at, 'infinity'::timestamptz), id)
  include (due_at, process_id, element_id, case_channel, job_key) where state = 'OPEN' and assignee is null;
drop index if exists human_task_mine_queue;
create index human_task_mine_queue on human_task (assignee, coalesce(due_at, 'infinity'::timestamptz), id)
  include (due_at, process_id, element_id, case_channel, job_key) where state = 'OPEN';
drop index if exists human_task_all_queue;
create index human_task_all_queue on human_task (coalesce(due_at, 'infinity'::timestamptz), id)
  include (due_at, process_id, element_id, case_channel, job_key, candidate_group, assignee) where state = 'OPEN';
