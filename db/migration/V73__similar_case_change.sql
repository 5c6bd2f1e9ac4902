-- The change sequence of the similar-case index (references.SimilarCases): one row per reference case added or
-- deleted and per analysis whose confirmed findings changed or that was deleted while confirmed. Every node reads
-- the rows after the last one it applied (about once a second) and re-reads those cases from their tables, so a
-- case confirmed, imported or deleted on any node reaches every node's index within seconds without a reload.
-- kind: 'R' = reference_case.id, 'A' = analysis.id (item). Rows older than a day are pruned
-- (references.SimilarCaseChanges); a node that could not poll for that long reloads its index.
create table similar_case_change (
    id         bigserial primary key,
    kind       char(1)                  not null check (kind in ('R', 'A')),
    item       bigint                   not null,
    changed_at timestamp with time zone not null default now()
);
create index similar_case_change_changed_at_idx on similar_case_change (changed_at);

-- Written by triggers, in the transaction of the change, so no write path (import, clearing, feedback, deleting a
-- patient or an account) can forget it. The triggers are deferred to commit and take one transaction-level advisory
-- lock before drawing an id: ids are then drawn in commit order, and a reader that sees id n has seen every id below
-- n (without the lock a transaction could commit id 10 after a reader had already moved past 11). The lock is held
-- only from the commit's start to its end, after the transaction's own row locks: no deadlock with them.
create function similar_case_changed() returns trigger language plpgsql as $$
begin
    perform pg_advisory_xact_lock(1611160073);
    insert into similar_case_change (kind, item)
    values (tg_argv[0], case when tg_op = 'DELETE' then old.id else new.id end);
    return null;
end
$$;

create constraint trigger reference_case_changed
    after insert or delete on reference_case
    deferrable initially deferred
    for each row execute function similar_case_changed('R');

create constraint trigger analysis_confirmation_changed
    after update of confirmed_findings, owner_id on analysis
    deferrable initially deferred
    for each row
    when (old.confirmed_findings is distinct from new.confirmed_findings or old.owner_id is distinct from new.owner_id)
    execute function similar_case_changed('A');

create constraint trigger analysis_confirmed_deleted
    after delete on analysis
    deferrable initially deferred
    for each row when (old.confirmed_findings is not null)
    execute function similar_case_changed('A');
