-- Reference data used by forms and validation. Codes are stable; labels are for people.
create table reference_item (
  kind       text not null,      -- BANK, RELATIONSHIP, CHANNEL, DOCUMENT_KIND
  code       text not null,
  name_zh    text not null,
  name_en    text not null,
  sort       int not null default 0,
  active     boolean not null default true,
  attributes jsonb not null default '{}',
  primary key (kind, code)
);

insert into reference_item (kind, code, name_zh, name_en, sort) values
  ('BANK', 'ICBC',  '中国工商银行',     'Industrial and Commercial Bank of China', 1),
  ('BANK', 'ABC',   '中国农业银行',     'Agricultural Bank of China', 2),
  ('BANK', 'BOC',   '中国银行',         'Bank of China', 3),
  ('BANK', 'CCB',   '中国建设银行',     'China Construction Bank', 4),
  ('BANK', 'BOCOM', '交通银行',         'Bank of Communications', 5),
  ('BANK', 'PSBC',  '中国邮政储蓄银行', 'Postal Savings Bank of China', 6),
  ('BANK', 'RCC',   '农村信用合作社',   'Rural Credit Cooperative', 7);

-- Family members whose accounts may be linked for mutual use of the personal medical account.
-- "bindable" says whether the family binding process accepts it; "minor_only" marks relations
-- that may only be added as a minor's guardian.
insert into reference_item (kind, code, name_zh, name_en, sort, attributes) values
  ('RELATIONSHIP', 'SPOUSE',     '配偶',   'Spouse', 1,     '{"bindable": true}'),
  ('RELATIONSHIP', 'CHILD',      '子女',   'Child', 2,      '{"bindable": true}'),
  ('RELATIONSHIP', 'PARENT',     '父母',   'Parent', 3,     '{"bindable": true}'),
  ('RELATIONSHIP', 'GRANDPARENT','祖父母/外祖父母', 'Grandparent', 4, '{"bindable": false}'),
  ('RELATIONSHIP', 'GRANDCHILD', '孙子女/外孙子女', 'Grandchild', 5,  '{"bindable": false}'),
  ('RELATIONSHIP', 'SIBLING',    '兄弟姐妹', 'Sibling', 6,   '{"bindable": false}');

insert into reference_item (kind, code, name_zh, name_en, sort, attributes) values
  ('CHANNEL', 'web-portal', '网上服务大厅',     'Web portal', 1,            '{"applications": true}'),
  ('CHANNEL', 'alipay',     '支付宝',           'Alipay', 2,                '{"applications": true}'),
  ('CHANNEL', 'wechat',     '微信',             'WeChat', 3,                '{"applications": true}'),
  ('CHANNEL', 'phone-line', '24小时服务热线',   '24-hour phone line', 4,    '{"applications": false}'),
  ('CHANNEL', 'counter',    '服务网点柜台',     'Service counter', 5,       '{"applications": true}'),
  ('CHANNEL', 'terminal',   '自助服务终端',     'Self-service terminal', 6, '{"applications": false}'),
  ('CHANNEL', 'hospital',   '医院医保办',       'Hospital insurance office', 7, '{"applications": false}');

-- Documents a case can hold. max_bytes and image limits are what the file checks enforce.
insert into reference_item (kind, code, name_zh, name_en, sort, attributes) values
  ('DOCUMENT_KIND', 'PORTRAIT_PHOTO',     '本人证件照',           'Portrait photo', 1,
     '{"types": ["image/jpeg", "image/png"], "maxBytes": 2097152, "minWidth": 358, "minHeight": 441, "maxWidth": 4000, "maxHeight": 4000}'),
  ('DOCUMENT_KIND', 'ID_CARD_FRONT',      '身份证人像面',         'ID card, photo side', 2,
     '{"types": ["image/jpeg", "image/png"], "maxBytes": 4194304, "minWidth": 640, "minHeight": 400, "maxWidth": 6000, "maxHeight": 6000}'),
  ('DOCUMENT_KIND', 'ID_CARD_BACK',       '身份证国徽面',         'ID card, emblem side', 3,
     '{"types": ["image/jpeg", "image/png"], "maxBytes": 4194304, "minWidth": 640, "minHeight": 400, "maxWidth": 6000, "maxHeight": 6000}'),
  ('DOCUMENT_KIND', 'ID_CARD_COPY',       '身份证复印件',         'ID card copy', 4,
     '{"types": ["image/jpeg", "image/png", "application/pdf"], "maxBytes": 4194304}'),
  ('DOCUMENT_KIND', 'DELEGATE_ID_COPY',   '代办人身份证复印件',   'Delegate''s ID card copy', 5,
     '{"types": ["image/jpeg", "image/png", "application/pdf"], "maxBytes": 4194304}'),
  ('DOCUMENT_KIND', 'HOUSEHOLD_REGISTER', '户口簿照片',           'Household register photo', 6,
     '{"types": ["image/jpeg", "image/png"], "maxBytes": 4194304, "minWidth": 640, "minHeight": 400, "maxWidth": 6000, "maxHeight": 6000}'),
  ('DOCUMENT_KIND', 'COMMITMENT_LETTER',  '个人承诺书（电子签名）', 'Personal commitment letter (e-signed)', 7,
     '{"types": ["application/pdf"], "maxBytes": 2097152}'),
  ('DOCUMENT_KIND', 'REPLACEMENT_FORM',   '补换卡申请表',         'Card replacement application form', 8,
     '{"types": ["image/jpeg", "image/png", "application/pdf"], "maxBytes": 4194304}'),
  ('DOCUMENT_KIND', 'PICKUP_CERTIFICATE', '领卡凭证（临时就医凭证）', 'Card pickup certificate (temporary medical voucher)', 9,
     '{"types": ["application/pdf"], "maxBytes": 2097152}');
