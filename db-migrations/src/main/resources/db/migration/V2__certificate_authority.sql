-- est-ca: the certificate authority and every certificate it issued.

CREATE TABLE ca_authorities (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                  VARCHAR(64)  NOT NULL,
    source                VARCHAR(16)  NOT NULL CHECK (source IN ('GENERATED', 'IMPORTED', 'PKCS11')),
    key_algorithm         VARCHAR(16)  NOT NULL,
    -- issuing CA first, root last
    chain_pem             TEXT         NOT NULL,
    -- The issuing CA's private key, sealed like every secret; NULL when it lives in an HSM.
    key_ciphertext        BYTEA,
    wrapped_data_key      BYTEA,
    kek_version           INTEGER,
    -- The root's private key of a generated CA, kept (sealed) to issue a new intermediate one day.
    root_key_ciphertext   BYTEA,
    root_wrapped_data_key BYTEA,
    root_kek_version      INTEGER,
    created_at            TIMESTAMPTZ  NOT NULL,
    CONSTRAINT ca_authorities_name_key UNIQUE (name),
    CONSTRAINT ca_authorities_key_sealed CHECK ((key_ciphertext IS NULL) = (wrapped_data_key IS NULL)
                                                AND (key_ciphertext IS NULL) = (kek_version IS NULL)),
    CONSTRAINT ca_authorities_key_where CHECK ((source = 'PKCS11') = (key_ciphertext IS NULL))
);

CREATE SEQUENCE ca_crl_number AS BIGINT START 1;

CREATE TABLE certificates (
    serial            VARCHAR(40)  PRIMARY KEY,
    authority_id      BIGINT       NOT NULL REFERENCES ca_authorities (id),
    subject           VARCHAR(255) NOT NULL,
    endpoint          VARCHAR(255),
    profile           VARCHAR(32)  NOT NULL,
    not_before        TIMESTAMPTZ  NOT NULL,
    not_after         TIMESTAMPTZ  NOT NULL,
    status            VARCHAR(16)  NOT NULL CHECK (status IN ('VALID', 'REVOKED')),
    revoked_at        TIMESTAMPTZ,
    revocation_reason INTEGER,
    requested_by      VARCHAR(128) NOT NULL,
    der               BYTEA        NOT NULL,
    created_at        TIMESTAMPTZ  NOT NULL,
    CONSTRAINT certificates_revocation CHECK ((status = 'REVOKED') = (revoked_at IS NOT NULL))
);
CREATE INDEX certificates_endpoint_idx ON certificates (endpoint, created_at DESC);
CREATE INDEX certificates_revoked_idx ON certificates (authority_id, revoked_at) WHERE status = 'REVOKED';

-- bootstrap-server: DM servers authenticate themselves to devices with a raw public key (RPK) or a
-- certificate (X509, EST); the bootstrap writes it into the device's /0/x/4.
ALTER TABLE dm_servers ADD COLUMN server_public_key BYTEA;
ALTER TABLE dm_servers ADD COLUMN server_certificate BYTEA;
-- Where to announce that a device of this DM server has a rotated credential pending (optional).
ALTER TABLE dm_servers ADD COLUMN rotation_webhook_url VARCHAR(512);

-- bootstrap-server: the certificate a credential holds, by serial, for revocation and lookup; when a
-- pending credential was delivered by a bootstrap (its grace period starts then).
ALTER TABLE device_credentials ADD COLUMN certificate_serial VARCHAR(40);
ALTER TABLE device_credentials ADD COLUMN delivered_at TIMESTAMPTZ;
CREATE UNIQUE INDEX device_credentials_certificate_serial_key ON device_credentials (certificate_serial);
-- A raw public key names exactly one live bootstrap credential: the RPK handshake looks it up.
CREATE UNIQUE INDEX device_credentials_bootstrap_public_key
    ON device_credentials (sha256(public_key))
    WHERE channel = 'BOOTSTRAP' AND status IN ('ACTIVE', 'PENDING') AND public_key IS NOT NULL;

-- bootstrap-server: the bootstrap server's own DTLS key and certificate, one for every replica, so a
-- device that pinned the server's public key keeps trusting it across restarts and replicas.
CREATE TABLE bootstrap_server_keys (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_ciphertext   BYTEA        NOT NULL,
    wrapped_data_key BYTEA        NOT NULL,
    kek_version      INTEGER      NOT NULL,
    public_key       BYTEA        NOT NULL,
    certificate      BYTEA        NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL
);
