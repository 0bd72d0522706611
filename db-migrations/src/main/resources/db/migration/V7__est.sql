-- est-ca: EST enrollment requests held for an operator's approval (a profile's "approval": true).
-- The client re-sends the same CSR until it is approved; then the certificate is issued once.
CREATE TABLE est_enrollments (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint           VARCHAR(255) NOT NULL,
    label              VARCHAR(64),
    operation          VARCHAR(32)  NOT NULL,
    csr_sha256         BYTEA        NOT NULL,
    csr                BYTEA        NOT NULL,
    status             VARCHAR(16)  NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'ISSUED')),
    requested_by       VARCHAR(128) NOT NULL,
    certificate_serial VARCHAR(40),
    created_at         TIMESTAMPTZ  NOT NULL,
    decided_at         TIMESTAMPTZ,
    decided_by         VARCHAR(128),
    CONSTRAINT est_enrollments_csr_key UNIQUE (endpoint, csr_sha256)
);
CREATE INDEX est_enrollments_pending_idx ON est_enrollments (created_at) WHERE status = 'PENDING';
