-- Owner: shared (reference_item). The guides name two phone lines with different services (issue 13,
-- rule 8): 12333, the HR and social security service line (lookups), and 96102, the card service
-- line (24 h, provisional loss reports); the national medical insurance service platform app
-- (国家医保服务平台) is a channel for the child e-card. The old single phone line is kept inactive so
-- that the cases it took still show its name.
update reference_item set active = false where kind = 'CHANNEL' and code = 'phone-line';
insert into reference_item (kind, code, name_zh, name_en, sort, attributes) values
  ('CHANNEL', '12333',    '12333人社服务热线',   '12333 service line (lookups)', 4,        '{"applications": false}'),
  ('CHANNEL', '96102',    '96102社保卡服务热线（24小时）', '96102 card line (24 h, loss reports)', 4, '{"applications": false}'),
  ('CHANNEL', 'nhsa-app', '国家医保服务平台App', 'National medical insurance app', 8,   '{"applications": false}')
on conflict (kind, code) do nothing;
