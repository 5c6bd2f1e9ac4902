-- Patients: each belongs to exactly one clinician and disappears with their account.
create table patient (
    id          bigserial    primary key,
    owner_id    bigint       not null references account (id) on delete cascade,
    -- Pseudonymous reference the clinician chooses (e.g. a study or ward code); a name is optional.
    reference   varchar(64)  not null,
    name        varchar(200),
    birth_year  integer      check (birth_year between 1900 and 2200),
    sex         varchar(16)  check (sex in ('FEMALE', 'MALE', 'OTHER')),
    notes       varchar(4000),
    created_at  timestamptz  not null default now(),
    updated_at  timestamptz  not null default now()
);
-- A reference identifies a patient within one clinician's list, whatever its letter case.
create unique index patient_owner_reference_key on patient (owner_id, lower(reference));
create index patient_owner_updated_idx on patient (owner_id, updated_at desc);
