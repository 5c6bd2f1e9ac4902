-- Personal API tokens. Only a SHA-256 hash of the token is stored; the token is shown once.
create table api_token (
    id           bigserial primary key,
    account_id   bigint       not null references account (id) on delete cascade,
    name         varchar(100) not null,
    token_hash   varchar(64)  not null,
    token_prefix varchar(12)  not null,
    created_at   timestamptz  not null default now(),
    last_used_at timestamptz,
    expires_at   timestamptz
);
create unique index api_token_hash_key on api_token (token_hash);
create index api_token_account_idx on api_token (account_id);
