-- Analyses of uploaded X-rays (org.chestlens.analysis). Everything for one analysis is written in one transaction.
create table analysis (
    id                   bigserial        primary key,
    -- 16 SecureRandom bytes, base64url: the id in links; never the numeric id.
    public_id            varchar(32)      not null,
    -- null: an anonymous upload, kept until expires_at.
    owner_id             bigint           references account (id) on delete cascade,
    -- The patients feature adds the foreign key in its own migration.
    patient_id           bigint,
    study_date           date,
    note                 varchar(2000),
    file_name            varchar(255)     not null,
    status               varchar(16)      not null check (status in ('COMPLETED', 'REJECTED')),
    rejection_rule       varchar(200),
    rejection_reason     varchar(1000),
    rejection_suggestion varchar(1000),
    created_at           timestamptz      not null,
    expires_at           timestamptz,
    model_name           varchar(100)     not null,
    model_version        varchar(50)      not null,
    image_format         varchar(16)      not null,
    image_width          integer          not null,
    image_height         integer          not null,
    image_size_bytes     bigint           not null,
    image_bit_depth      integer          not null,
    anomaly_mse          double precision not null,
    anomaly_kl           double precision not null,
    anomaly_neg_elbo     double precision not null,
    anomaly_mse_pct      double precision not null,
    anomaly_kl_pct       double precision not null,
    anomaly_neg_elbo_pct double precision not null,
    -- |x - x^| of the VAE as a fraction of its input range, 8-bit (0..255), anomaly_map_width x anomaly_map_height.
    anomaly_map          bytea            not null,
    anomaly_map_width    integer          not null,
    anomaly_map_height   integer          not null,
    -- The similarity member's embedding (float32 little endian, L2-normalised) and the space it lives in.
    embedding            bytea            not null,
    embedding_space      varchar(200)     not null,
    cam_width            integer          not null,
    cam_height           integer          not null,
    -- Gate features and stage timings as JSON objects (name -> number), for audit and evaluation.
    gate_features        text             not null,
    timings              text             not null,
    -- Space-separated finding codes the owner confirmed (feedback); null: not confirmed.
    confirmed_findings   varchar(1000),
    constraint analysis_status_rejection check ((status = 'REJECTED') = (rejection_reason is not null))
);
create unique index analysis_public_id_key on analysis (public_id);
create index analysis_owner_created_idx on analysis (owner_id, created_at desc) where owner_id is not null;
create index analysis_patient_idx on analysis (patient_id) where patient_id is not null;
create index analysis_expires_idx on analysis (expires_at) where expires_at is not null;
create index analysis_confirmed_idx on analysis (owner_id) where confirmed_findings is not null;

-- Every finding of the manifest, reported or not (unreported ones are never shown, kept for transparency).
create table analysis_finding (
    analysis_id           bigint           not null references analysis (id) on delete cascade,
    code                  varchar(64)      not null,
    position              integer          not null,
    label                 varchar(100)     not null,
    probability           double precision not null,
    threshold             double precision not null,
    positive              boolean          not null,
    reported              boolean          not null,
    -- JSON object member name -> probability.
    member_probabilities  text             not null,
    -- The ensemble CAM for this finding, float32 little endian, cam_width x cam_height of the analysis.
    cam                   bytea            not null,
    primary key (analysis_id, code)
);

-- Encoded images of an analysis: the stripped upload, its thumbnail, heatmaps (one per finding, rendered once),
-- the anomaly map. Kept apart so listing analyses never reads image bytes.
create table analysis_image (
    analysis_id  bigint      not null references analysis (id) on delete cascade,
    kind         varchar(16) not null check (kind in ('IMAGE', 'THUMBNAIL', 'HEATMAP', 'ANOMALY_MAP')),
    -- The finding code for heatmaps, '' otherwise.
    finding_code varchar(64) not null default '',
    media_type   varchar(64) not null,
    bytes        bytea       not null,
    primary key (analysis_id, kind, finding_code)
);

-- The reference library for similar-case search, imported from a folder laid out like ../shared/data/cxr.
create table reference_case (
    id              bigserial    primary key,
    source_path     varchar(500) not null,
    source          varchar(64),
    -- Space-separated finding codes labelled present ('no_finding' for normals).
    findings        varchar(1000) not null,
    thumbnail       bytea        not null,
    embedding       bytea        not null,
    embedding_space varchar(200) not null,
    imported_at     timestamptz  not null
);
create unique index reference_case_path_space_key on reference_case (source_path, embedding_space);
