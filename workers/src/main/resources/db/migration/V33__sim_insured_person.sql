-- Owner: simulators (sim_insured_person). The simulated insurance enrolment keeps the social
-- security numbers it handed out, so it can say whose a number is (issue 13, rule 2).
create table sim_insured_person (
  id_number               text primary key,
  social_security_number  text not null unique,
  created_at              timestamptz not null default now()
);
