-- Owners: cases (card_case), cards (card).
-- "At most one" rules held by PostgreSQL itself, not by a read before the insert: two requests
-- that arrive at the same moment both passed such a read, and both were stored. With these
-- partial unique indexes the second insert waits for the first transaction and then fails; the
-- service that made it answers with the conflict it always gave (409, the open case's number).
--   one open card application per person
--   one open reissue (formal loss report) per holder
--   one open provisional loss report per card      (the card's id is in the case's data, cardId)
--   one open child e-card application per child    (the child's ID number is in the data, childIdNumber)
--   one replacement per lost card                   (card.replaces_card_id)
-- A database that already holds two of a kind (made by that race) cannot get the index: the
-- migration stops and names them; close all but one of each (the supervisors' "cancel the case"
-- on the version before this one) and start again.

do $$
declare
  found text;
begin
  select string_agg(format('%s %s: %s', kind, who, cases), '; ') into found from (
    select 'card applications of person' as kind, id_number as who, string_agg(case_number, ', ' order by case_number) as cases
      from card_case where case_type = 'CARD_APPLICATION' and closed_at is null group by id_number having count(*) > 1
    union all
    select 'reissues of holder', id_number, string_agg(case_number, ', ' order by case_number)
      from card_case where case_type = 'REISSUE' and closed_at is null group by id_number having count(*) > 1
    union all
    select 'provisional loss reports of card', data->>'cardId', string_agg(case_number, ', ' order by case_number)
      from card_case where case_type = 'LOSS_REPORT' and closed_at is null and data ? 'cardId'
      group by data->>'cardId' having count(*) > 1
    union all
    select 'child e-card applications of child', data->>'childIdNumber', string_agg(case_number, ', ' order by case_number)
      from card_case where case_type = 'CHILD_E_CARD' and closed_at is null and data ? 'childIdNumber'
      group by data->>'childIdNumber' having count(*) > 1
    union all
    select 'replacements of card', replaces_card_id, string_agg(card_id, ', ' order by card_id)
      from card where replaces_card_id is not null group by replaces_card_id having count(*) > 1
  ) d;
  if found is not null then
    raise exception 'open duplicates made before the at-most-one rules were held by the database: %. Close all but one of each, then start again.', found;
  end if;
end $$;

create unique index card_case_one_open_application on card_case (id_number)
  where case_type = 'CARD_APPLICATION' and closed_at is null;
create unique index card_case_one_open_reissue on card_case (id_number)
  where case_type = 'REISSUE' and closed_at is null;
create unique index card_case_one_open_loss_report on card_case ((data->>'cardId'))
  where case_type = 'LOSS_REPORT' and closed_at is null;
create unique index card_case_one_open_child_card on card_case ((data->>'childIdNumber'))
  where case_type = 'CHILD_E_CARD' and closed_at is null;

-- replaces the plain index of V22 on the same column
drop index if exists card_replaces;
create unique index card_replaced_once on card (replaces_card_id) where replaces_card_id is not null;
