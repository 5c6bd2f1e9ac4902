-- One row per analysis ever made, for the admin usage dashboard (org.chestlens.admin.UsageStatistics).
-- Written by the analysis feature in the analysis' own transaction; never deleted with the analysis, so the
-- statistics survive the anonymous retention purge and account deletion. Holds no image, file name, note or
-- patient: only what the statistics need.
create table analysis_usage (
    id                bigserial        primary key,
    occurred_at       timestamptz      not null,
    -- Whether the analysis had an owner (a signed-in clinician or an API token) when it was made.
    registered        boolean          not null,
    -- No foreign key, as for audit_event: the row outlives a deleted account; the id only counts distinct users.
    account_id        bigint,
    channel           varchar(8)       not null check (channel in ('UI', 'API')),
    status            varchar(16)      not null check (status in ('COMPLETED', 'REJECTED')),
    rejection_rule    varchar(200),
    rejection_reason  varchar(1000),
    -- From receiving the upload to the last statement before commit; null for backfilled rows without timings.
    total_ms          double precision,
    model_name        varchar(100)     not null,
    model_version     varchar(50)      not null,
    -- Comma-separated codes of the reported findings that were positive, in model-card order;
    -- '' for a completed analysis without any, null for a rejected one.
    positive_findings varchar(1000),
    image_format      varchar(16)      not null,
    check (registered = (account_id is not null))
);
create index analysis_usage_occurred_at_idx on analysis_usage (occurred_at);

-- Backfill from the analyses still stored (purged anonymous ones are gone for good). The channel was not
-- recorded before: 'UI'. The latency is the sum of the stored stages (queue, decode, preprocess, models,
-- combine), as the result page does for stored analyses (plus the queue); it leaves out assembling and writing the rows, so it
-- reads somewhat lower than what new rows record. Timings that are not a JSON object give no latency.
insert into analysis_usage (occurred_at, registered, account_id, channel, status, rejection_rule, rejection_reason,
                            total_ms, model_name, model_version, positive_findings, image_format)
select a.created_at, a.owner_id is not null, a.owner_id, 'UI', a.status, a.rejection_rule, a.rejection_reason,
       case when t.timings is not null then
           (select sum(coalesce((t.timings ->> k)::double precision, 0))
              from unnest(array['queue', 'decode', 'preprocess', 'models', 'combine']) k)
       end,
       a.model_name, a.model_version,
       case when a.status = 'COMPLETED' then
           coalesce((select string_agg(f.code, ',' order by f.position)
                       from analysis_finding f
                      where f.analysis_id = a.id and f.positive and f.reported), '')
       end,
       a.image_format
  from analysis a
 cross join lateral (select case when a.timings like '{%}' then a.timings::jsonb end as timings) t
 order by a.created_at;
