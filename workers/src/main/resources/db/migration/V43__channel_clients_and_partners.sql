-- Owner: access. Each channel system and each partner is an OAuth 2 client of its own: the services
-- it may call are its scopes (one per service), and a partner is tied to what it makes (a bank to
-- its cards; the provincial card centre, bank null, to every card of the province).
alter table channel_client add column scopes text[] not null default '{}', add column bank text;
update channel_client set scopes = case channel
    when 'web-portal' then '{applications,lookups,family,child-cards}'
    when 'alipay'     then '{applications,lookups,family,child-cards}'
    when 'wechat'     then '{applications,lookups,child-cards}'
    when 'nhsa-app'   then '{lookups,child-cards}'
    when '12333'      then '{lookups}'
    when '96102'      then '{loss-reports}'
    when 'counter'    then '{applications,lookups,loss-reports,reissues,family}'
    when 'terminal'   then '{lookups,loss-reports,reissues}'
    when 'hospital'   then '{family,vouchers}'
    else '{}' end::text[]
  where kind = 'CHANNEL';
-- the one account the card centre and every bank shared is retired: partners get clients of their own
update channel_client set enabled = false, scopes = '{}' where channel = 'card-production';

-- The key this system signs channel access tokens with (a JWK with its private part); a retired
-- key still checks the tokens it signed until they expire.
create table token_signing_key (
  kid        text primary key,
  jwk        text not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz
);
