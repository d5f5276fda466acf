-- Owner: flow. Everyone who made a draft or saved a revision of it, written in the transaction of
-- that create or save: none of them may be the second person who approves it (four eyes are two
-- people; not only the draft's creator and its last saver).
create table model_draft_contributor (
  draft_id  bigint not null references model_draft(id),
  username  text not null,
  primary key (draft_id, username)
);

-- the drafts made before this table: their creator, their last saver and each saver in the audit trail
insert into model_draft_contributor (draft_id, username)
select id, created_by from model_draft
union
select id, saved_by from model_draft
union
select d.id, a.actor from audit_entry a join model_draft d on d.id::text = a.detail->>'draft'
 where a.action = 'MODEL_DRAFT_SAVED' and (a.subject like 'model:%' or a.subject like 'form:%')
on conflict do nothing;
