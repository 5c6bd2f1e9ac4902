-- Sign-in throttling state, shared by every node on this database (issue 16): one row per failed sign-in and key
-- (an account, or a client address). Rows older than the throttling window are deleted as new failures arrive.
create table login_failure (
    id           bigserial primary key,
    throttle_key varchar(400) not null,
    failed_at    timestamptz  not null
);
create index login_failure_key_time on login_failure (throttle_key, failed_at);
create index login_failure_time on login_failure (failed_at);

-- A locked client address keeps one password check per interval (the slow lane, issue 14): the next time one may
-- start. Claimed atomically, so nodes and parallel requests cannot check more than one password at a time.
create table login_address_slot (
    address       varchar(100) primary key,
    next_check_at timestamptz  not null
);
