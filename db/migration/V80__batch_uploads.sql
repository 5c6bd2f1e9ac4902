-- Batch uploads (package batches): many files at once, each analysed by a durable job (db-scheduler one-time task
-- "batch-item-analysis", instance = batch_item.id; its result is stored exactly once through job_completion).
create table batch (
    id          bigserial                primary key,
    -- 16 SecureRandom bytes, base64url: the id in links and the API.
    public_id   varchar(32)              not null unique,
    owner_id    bigint                   not null references account (id) on delete cascade,
    -- Every file filed under this patient of the owner's, when the clinician chose one.
    patient_id  bigint                   references patient (id) on delete set null,
    created_at  timestamp with time zone not null,
    channel     varchar(8)               not null,
    -- Files numbered so far: each file takes the next position in its own short transaction.
    file_count  int                      not null default 0
);
create index batch_owner_created_idx on batch (owner_id, created_at desc);

-- One file of a batch. QUEUED until its job stores the analysis (DONE) or the file is refused (REFUSED: at upload,
-- e.g. a nested archive, or by the analysis, e.g. a corrupt image) or the job gives up (FAILED). The file's bytes
-- wait in content until then; never the DICOM patient's name or ID (patient_id is the clinician's own patient).
create table batch_item (
    id                  bigserial                primary key,
    batch_id            bigint                   not null references batch (id) on delete cascade,
    position            int                      not null,
    file_name           varchar(255)             not null,
    status              varchar(8)               not null,
    reason              text,
    content             bytea,
    patient_id          bigint                   references patient (id) on delete set null,
    study_date          date,
    analysis_public_id  varchar(32),
    finished_at         timestamp with time zone,
    unique (batch_id, position)
);

-- Per clinician: the key of the HMAC that turns a DICOM PatientID into a patient reference (the same ID gives the
-- same reference for that clinician only; the ID itself is never stored, and without the key it cannot be guessed
-- back by trying hospital numbers).
create table batch_reference_key (
    owner_id  bigint primary key references account (id) on delete cascade,
    secret    bytea  not null
);
