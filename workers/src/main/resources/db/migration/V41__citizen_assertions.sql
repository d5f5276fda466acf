-- Owner: assertions (channel_key, citizen_assertion_use); simulators (sim_channel_identity_key).
-- A channel proves it authenticated a citizen with a JWT its own identity service signed (a
-- "citizen assertion"). The public keys each channel registered verify it; each assertion is
-- taken once: its id (jti) is kept per channel until it expires, and a second insert is a replay.

create table channel_key (
  channel    text not null,
  kid        text not null,
  jwk        jsonb not null,           -- the public JWK (never a private key)
  created_at timestamptz not null default now(),
  retired_at timestamptz,              -- no longer verifies anything from then on
  primary key (channel, kid)
);

create table citizen_assertion_use (
  channel    text not null,
  jti        text not null,
  expires_at timestamptz not null,     -- the assertion's exp plus the clock skew allowed: refused by time afterwards
  used_at    timestamptz not null default now(),
  primary key (channel, jti)
);
create index citizen_assertion_use_expiry on citizen_assertion_use (expires_at);

-- SIMULATOR: the simulated channels' identity services, each with its own signing key (the private
-- key stays here; the public half is registered in channel_key like a real channel's).
create table sim_channel_identity_key (
  channel     text primary key,
  kid         text not null,
  private_jwk text not null,
  created_at  timestamptz not null default now()
);
