-- Accounts: every registered user is a clinician; admin is an extra role.
create table account (
    id            bigserial primary key,
    email         varchar(254) not null,
    display_name  varchar(100) not null,
    password_hash varchar(255) not null,
    admin         boolean      not null default false,
    enabled       boolean      not null default true,
    created_at    timestamptz  not null default now(),
    last_login_at timestamptz
);
-- Emails are stored lower-cased, so a plain unique index is case-insensitive in effect.
create unique index account_email_key on account (email);

-- Audit trail: who did what. No foreign key on the actor: entries outlive deleted accounts.
create table audit_event (
    id          bigserial primary key,
    occurred_at timestamptz  not null default now(),
    actor_id    bigint,
    actor_email varchar(254),
    action      varchar(64)  not null,
    detail      varchar(2000)
);
create index audit_event_occurred_at_idx on audit_event (occurred_at desc);
