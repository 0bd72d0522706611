-- bootstrap-server: failed DTLS handshakes of known devices, one row per device and reason however
-- often the device retries (a wrong key, an expired certificate...), so that support can see why a
-- device never bootstraps. Failures of no known device are only counted (metrics), never written.
-- No foreign key: devices are never physically deleted (ADR 007), and the hot path needs no lock.
CREATE TABLE handshake_failures (
    device_id     BIGINT       NOT NULL,
    reason        VARCHAR(32)  NOT NULL,
    failures      BIGINT       NOT NULL CHECK (failures > 0),
    first_at      TIMESTAMPTZ  NOT NULL,
    last_at       TIMESTAMPTZ  NOT NULL,
    last_peer     VARCHAR(64),
    last_identity VARCHAR(255),
    PRIMARY KEY (device_id, reason)
);
