-- One row per reference import started from the admin page (references.ReferenceLibrary): what it imports and how
-- far it got, visible from every node. The import runs as a db-scheduler job (task 'reference-import'); each batch of
-- cases commits together with this row's counters, so a job taken over after its node died goes on after the last
-- committed batch (and a batch run twice replaces its cases by path instead of adding them again).
create table reference_import (
    id           text primary key,
    description  text                     not null,
    status       varchar(16)              not null check (status in ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
    total        integer,
    done         integer                  not null default 0,
    imported     integer                  not null default 0,
    skipped      integer                  not null default 0,
    -- The outcome for the admin: a sentence, never a stack trace.
    message      text,
    node         text,
    started_at   timestamp with time zone not null,
    updated_at   timestamp with time zone not null,
    finished_at  timestamp with time zone
);
create index reference_import_started_at_idx on reference_import (started_at);
