-- Bumped whenever an account's open sessions must end (disabled, role changed); every node compares the version
-- a session signed in with against this column (cached for seconds), so the change reaches sessions on all nodes.
alter table account add column session_version bigint not null default 0;
