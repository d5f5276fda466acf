-- Each table is written by exactly one package (README, module map). This moves the two columns
-- that another package wrote into tables of their owners.

-- Owner: verification. The round a case's verification is in (it was a column of card_case).
create table verification_case (
  case_number    text primary key references card_case(case_number),
  current_round  int not null
);
insert into verification_case (case_number, current_round)
  select case_number, verification_round from card_case where verification_round > 1;
alter table card_case drop column verification_round;
