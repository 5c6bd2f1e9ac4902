-- One row per finished unit of durable work (jobs.JobCompletions): written in the same transaction as the work's
-- own rows, keyed by the job, so a job run again after its node died (db-scheduler revives it) finds it done
-- and stores nothing twice. result: what the work produced (e.g. an analysis' public id), for the caller.
create table job_completion (
    job_key      text primary key,
    result       text,
    completed_at timestamp with time zone not null,
    completed_by text                     not null
);
