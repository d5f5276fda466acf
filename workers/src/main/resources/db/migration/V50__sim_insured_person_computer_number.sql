-- Owner: simulators (sim_insured_person). Issue 25, item 1: the number the simulated enrolment
-- hands out is the social insurance computer number (社保电脑号, guide 000 §1, asked only by the
-- web portal's family binding); the social security number is the citizen's ID number.
alter table sim_insured_person rename column social_security_number to computer_number;
