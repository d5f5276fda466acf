-- Owner: cases. Every step a case has been at, when it arrived and when it left: how long cases
-- spend at each step of a process (the supervisors' heatmap on the diagram).
create table case_step_visit (
  id          bigserial primary key,
  case_number text not null references card_case(case_number),
  step        text not null,
  entered_at  timestamptz not null default now(),
  left_at     timestamptz
);
create index case_step_visit_case on case_step_visit (case_number, id);
-- what is known of the cases already there: the step each is (or ended) at, since its last change
insert into case_step_visit (case_number, step, entered_at, left_at)
  select case_number, current_step, updated_at, closed_at from card_case;
