-- An analysis filed under a patient belongs to that patient: deleting the patient deletes its studies.
-- (The analysis feature owns the column; the foreign key lives here because patients come after analyses.)
alter table analysis
    add constraint analysis_patient_fk foreign key (patient_id) references patient (id) on delete cascade;

-- A clinician's feedback on one of their analyses: a verdict per finding and a free-text note.
-- Keyed by the analysis' public id so this feature never needs the analysis' internal id.
create table analysis_feedback (
    analysis_public_id varchar(32)  primary key references analysis (public_id) on delete cascade,
    owner_id           bigint       not null references account (id) on delete cascade,
    note               varchar(2000),
    updated_at         timestamptz  not null
);

create table finding_feedback (
    analysis_public_id varchar(32) not null references analysis_feedback (analysis_public_id) on delete cascade,
    finding_code       varchar(64) not null,
    verdict            varchar(16) not null check (verdict in ('CONFIRMED', 'REJECTED')),
    primary key (analysis_public_id, finding_code)
);
