-- Owner: tasks. A task carries the case type, the channel and the case's process it is filtered
-- by, so a task queue reads human_task alone (no join into cases' or flow's tables).
alter table human_task add column case_type text, add column case_channel text, add column process_id text;
update human_task t set case_type = c.case_type, case_channel = c.channel from card_case c where c.case_number = t.case_number;
update human_task t set process_id = l.bpmn_process_id from process_link l where l.case_number = t.case_number;
