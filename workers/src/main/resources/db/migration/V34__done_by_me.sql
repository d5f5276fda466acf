-- "Done by me": what a clerk finished today and this week, newest first, without scanning every
-- completed task of the service centre.
create index human_task_done_by on human_task (completed_by, completed_at desc) where state = 'COMPLETED';
