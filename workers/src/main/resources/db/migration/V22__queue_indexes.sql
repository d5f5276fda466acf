-- Owners: tasks (human_task), search (search_outbox), cards (card), reissue (voucher), family (family_link).
-- Queues are read most urgent first, page by page
-- (keyset on the deadline, no deadline last, then the id); these let PostgreSQL walk them in order
-- instead of sorting every open task.
create index human_task_group_queue on human_task (candidate_group, coalesce(due_at, 'infinity'::timestamptz), id)
  where state = 'OPEN' and assignee is null;
create index human_task_mine_queue on human_task (assignee, coalesce(due_at, 'infinity'::timestamptz), id)
  where state = 'OPEN';
create index human_task_all_queue on human_task (coalesce(due_at, 'infinity'::timestamptz), id) where state = 'OPEN';
drop index if exists human_task_open;
create index search_outbox_case on search_outbox (case_number);

-- Foreign keys without an index made every delete of the row they point at scan the table.
create index card_replaces on card (replaces_card_id) where replaces_card_id is not null;
create index voucher_old_card on voucher (old_card_id);
create index voucher_new_card on voucher (new_card_id);
create index family_link_case on family_link (case_number) where case_number is not null;
