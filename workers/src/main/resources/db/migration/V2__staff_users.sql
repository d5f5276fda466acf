alter table channel_client add column kind text not null default 'CHANNEL'; -- CHANNEL or PARTNER

create table staff_user (
  username      text primary key,
  display_name  text not null,
  password_hash text not null,               -- BCrypt
  roles         text[] not null,             -- CLERK, SUPERVISOR, ANALYST, ADMIN
  work_groups   text[] not null default '{}',-- verification, counter, card-centre, supervisors
  locale        text not null default 'zh-CN',
  enabled       boolean not null default true,
  created_at    timestamptz not null default now()
);
