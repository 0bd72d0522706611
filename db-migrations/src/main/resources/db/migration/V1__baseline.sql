-- Baseline schema of the provisioning server. Owned by the modules named in each section;
-- Hibernate only validates it (ddl-auto=validate).

-- bootstrap-server: device-management (DM) server definitions -----------------------------------
CREATE TABLE dm_servers (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                 VARCHAR(64)  NOT NULL,
    uri                  VARCHAR(255) NOT NULL,
    short_server_id      INTEGER      NOT NULL CHECK (short_server_id BETWEEN 1 AND 65534),
    lifetime             INTEGER      NOT NULL CHECK (lifetime > 0),
    binding              VARCHAR(8)   NOT NULL,
    security_mode        VARCHAR(16)  NOT NULL,
    notification_storing BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at           TIMESTAMPTZ  NOT NULL,
    version              BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT dm_servers_name_key UNIQUE (name)
);

-- bootstrap-server: devices and the DM servers each one is provisioned for -----------------------
CREATE TABLE devices (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint   VARCHAR(255) NOT NULL,
    state      VARCHAR(16)  NOT NULL DEFAULT 'ACTIVE' CHECK (state IN ('ACTIVE', 'DISABLED')),
    created_at TIMESTAMPTZ  NOT NULL,
    updated_at TIMESTAMPTZ  NOT NULL,
    version    BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT devices_endpoint_key UNIQUE (endpoint)
);

CREATE TABLE device_servers (
    device_id BIGINT  NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    server_id BIGINT  NOT NULL REFERENCES dm_servers (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (device_id, server_id)
);
CREATE INDEX device_servers_server_idx ON device_servers (server_id);

-- bootstrap-server: credentials, one row per credential generation -------------------------------
-- Secret key material (PSK keys, private keys) is never stored in clear: secret_ciphertext is
-- AES-256-GCM under a per-row data key, and wrapped_data_key is that data key wrapped by the
-- key-encryption key (KEK) whose version is kek_version.
CREATE TABLE device_credentials (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id         BIGINT       NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    channel           VARCHAR(16)  NOT NULL CHECK (channel IN ('BOOTSTRAP', 'SERVER')),
    server_id         BIGINT       REFERENCES dm_servers (id),
    mode              VARCHAR(16)  NOT NULL,
    status            VARCHAR(16)  NOT NULL CHECK (status IN ('ACTIVE', 'PENDING', 'RETIRED', 'REVOKED')),
    psk_identity      VARCHAR(128),
    public_key        BYTEA,
    certificate       BYTEA,
    secret_ciphertext BYTEA,
    wrapped_data_key  BYTEA,
    kek_version       INTEGER,
    created_at        TIMESTAMPTZ  NOT NULL,
    retired_at        TIMESTAMPTZ,
    CONSTRAINT device_credentials_server_channel CHECK ((channel = 'SERVER') = (server_id IS NOT NULL)),
    CONSTRAINT device_credentials_secret_wrapped CHECK ((secret_ciphertext IS NULL) = (wrapped_data_key IS NULL)
                                                       AND (secret_ciphertext IS NULL) = (kek_version IS NULL))
);
CREATE INDEX device_credentials_device_idx ON device_credentials (device_id);
-- A DTLS PSK identity names exactly one live bootstrap credential: the handshake looks it up.
CREATE UNIQUE INDEX device_credentials_bootstrap_identity_key
    ON device_credentials (psk_identity)
    WHERE channel = 'BOOTSTRAP' AND status IN ('ACTIVE', 'PENDING') AND psk_identity IS NOT NULL;
-- A DM server must be able to tell its devices apart by identity too.
CREATE UNIQUE INDEX device_credentials_server_identity_key
    ON device_credentials (server_id, psk_identity)
    WHERE channel = 'SERVER' AND status IN ('ACTIVE', 'PENDING') AND psk_identity IS NOT NULL;

-- bootstrap-server: bootstrap sessions and the requests each one made -----------------------------
CREATE TABLE bootstrap_sessions (
    id             UUID         PRIMARY KEY,
    device_id      BIGINT       REFERENCES devices (id) ON DELETE SET NULL,
    endpoint       VARCHAR(255),
    peer_address   VARCHAR(64)  NOT NULL,
    security_mode  VARCHAR(16)  NOT NULL,
    identity       VARCHAR(255),
    lwm2m_version  VARCHAR(8),
    content_format INTEGER,
    started_at     TIMESTAMPTZ  NOT NULL,
    ended_at       TIMESTAMPTZ,
    outcome        VARCHAR(16)  NOT NULL CHECK (outcome IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
    reason         VARCHAR(512)
);
CREATE INDEX bootstrap_sessions_device_idx ON bootstrap_sessions (device_id, started_at DESC);

CREATE TABLE bootstrap_session_steps (
    session_id    UUID         NOT NULL REFERENCES bootstrap_sessions (id) ON DELETE CASCADE,
    seq           INTEGER      NOT NULL,
    operation     VARCHAR(32)  NOT NULL,
    path          VARCHAR(64)  NOT NULL,
    response_code VARCHAR(8),
    detail        VARCHAR(255),
    sent_at       TIMESTAMPTZ  NOT NULL,
    duration_ms   INTEGER,
    PRIMARY KEY (session_id, seq)
);

-- bootstrap-server: the append-only, hash-chained audit log --------------------------------------
CREATE TABLE audit_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at    TIMESTAMPTZ  NOT NULL,
    actor          VARCHAR(128) NOT NULL,
    role           VARCHAR(32),
    action         VARCHAR(64)  NOT NULL,
    target         VARCHAR(255),
    outcome        VARCHAR(16)  NOT NULL,
    source_address VARCHAR(64),
    request_id     VARCHAR(64),
    details        TEXT,
    prev_hash      BYTEA,
    hash           BYTEA        NOT NULL
);
CREATE INDEX audit_events_target_idx ON audit_events (target, id);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- admin-api: API keys, stored as SHA-256 hashes of 256-bit random keys ----------------------------
CREATE TABLE api_keys (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         VARCHAR(128) NOT NULL,
    role         VARCHAR(32)  NOT NULL,
    key_hash     BYTEA        NOT NULL,
    key_prefix   VARCHAR(16)  NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL,
    created_by   VARCHAR(128) NOT NULL,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
);
