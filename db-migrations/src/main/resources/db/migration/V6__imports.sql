-- bootstrap-server: labels on devices ("line=a", "batch-42"), for bulk actions by label selector.
ALTER TABLE devices ADD COLUMN labels TEXT[] NOT NULL DEFAULT '{}';
CREATE INDEX devices_labels_idx ON devices USING GIN (labels);

-- admin-api: bulk import jobs. A job is created once its upload is spooled; it runs in batches, each
-- batch one transaction that also advances next_offset/next_line, so a crash leaves whole rows only
-- and the job resumes from the last committed batch. A replica owns a running job through a lease.
CREATE TABLE import_jobs (
    id                 UUID         PRIMARY KEY,
    created_by         VARCHAR(128) NOT NULL,
    created_by_role    VARCHAR(32),
    idempotency_key    VARCHAR(255),
    body_sha256        BYTEA        NOT NULL,
    format             VARCHAR(8)   NOT NULL CHECK (format IN ('CSV', 'NDJSON')),
    dry_run            BOOLEAN      NOT NULL,
    state              VARCHAR(16)  NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
    upload_bytes       BIGINT       NOT NULL,
    upload_chunks      INTEGER      NOT NULL,
    next_offset        BIGINT       NOT NULL DEFAULT 0,
    next_line          BIGINT       NOT NULL DEFAULT 1,
    next_result_seq    INTEGER      NOT NULL DEFAULT 0,
    rows_total         BIGINT       NOT NULL DEFAULT 0,
    rows_created       BIGINT       NOT NULL DEFAULT 0,
    rows_identical     BIGINT       NOT NULL DEFAULT 0,
    rows_conflict      BIGINT       NOT NULL DEFAULT 0,
    rows_invalid       BIGINT       NOT NULL DEFAULT 0,
    columns            TEXT,
    error              VARCHAR(512),
    secrets_state      VARCHAR(16)  NOT NULL DEFAULT 'NONE'
                       CHECK (secrets_state IN ('NONE', 'AVAILABLE', 'ACKNOWLEDGED', 'EXPIRED')),
    secrets_expire_at  TIMESTAMPTZ,
    lease_owner        VARCHAR(64),
    lease_until        TIMESTAMPTZ,
    source_address     VARCHAR(64),
    request_id         VARCHAR(64),
    created_at         TIMESTAMPTZ  NOT NULL,
    started_at         TIMESTAMPTZ,
    finished_at        TIMESTAMPTZ,
    CONSTRAINT import_jobs_idempotency_key UNIQUE (created_by, idempotency_key)
);
CREATE INDEX import_jobs_open_idx ON import_jobs (state) WHERE state IN ('QUEUED', 'RUNNING');

-- The upload as received, in chunks of at most 1 MiB, each sealed like every other secret (a supplied
-- PSK key is a secret). Written before the job row exists (no foreign key); deleted when the job ends.
CREATE TABLE import_upload_chunks (
    job_id           UUID    NOT NULL,
    seq              INTEGER NOT NULL,
    ciphertext       BYTEA   NOT NULL,
    wrapped_data_key BYTEA   NOT NULL,
    kek_version      INTEGER NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, seq)
);
ALTER TABLE import_upload_chunks ALTER COLUMN ciphertext SET STORAGE EXTERNAL;

-- One row per committed batch: its per-row results (gzip NDJSON) and, sealed, the secrets generated
-- for it (CSV lines) until the creator acknowledges them or they expire.
CREATE TABLE import_results (
    job_id                   UUID    NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    seq                      INTEGER NOT NULL,
    first_line               BIGINT  NOT NULL,
    last_line                BIGINT  NOT NULL,
    results                  BYTEA   NOT NULL,
    secrets_ciphertext       BYTEA,
    secrets_wrapped_data_key BYTEA,
    secrets_kek_version      INTEGER,
    PRIMARY KEY (job_id, seq)
);

-- admin-api: bulk rotate/revoke jobs over the devices a selector picks (profile or label), in device id
-- order; last_device_id moves in the same transaction as each device's change, so a resumed job skips
-- exactly the devices already done.
CREATE TABLE fleet_jobs (
    id              UUID         PRIMARY KEY,
    action          VARCHAR(16)  NOT NULL CHECK (action IN ('ROTATE', 'REVOKE')),
    selector        TEXT         NOT NULL,
    state           VARCHAR(16)  NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
    created_by      VARCHAR(128) NOT NULL,
    created_by_role VARCHAR(32),
    devices_total   BIGINT       NOT NULL,
    devices_done    BIGINT       NOT NULL DEFAULT 0,
    devices_failed  BIGINT       NOT NULL DEFAULT 0,
    last_device_id  BIGINT       NOT NULL DEFAULT 0,
    error           VARCHAR(512),
    lease_owner     VARCHAR(64),
    lease_until     TIMESTAMPTZ,
    source_address  VARCHAR(64),
    request_id      VARCHAR(64),
    created_at      TIMESTAMPTZ  NOT NULL,
    finished_at     TIMESTAMPTZ
);
