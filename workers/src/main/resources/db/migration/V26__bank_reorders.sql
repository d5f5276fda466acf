-- a supervisor's "order again" on a production-overdue alert: the simulated bank remembers which
-- reorder it took, so the same decision carried out twice is one reorder
alter table sim_bank_order add column reorder_key text;
