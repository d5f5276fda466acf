-- Owner: access. The citizen's own copy of their data (PIPL art. 45, GET /api/own-data) is a service of its own:
-- the channels that authenticate the citizen and can hand them a document (not the phone lines or hospitals).
update channel_client set scopes = array_append(scopes, 'own-data')
  where kind = 'CHANNEL' and channel in ('web-portal', 'alipay', 'wechat', 'nhsa-app', 'counter', 'terminal')
    and not ('own-data' = any(scopes));
