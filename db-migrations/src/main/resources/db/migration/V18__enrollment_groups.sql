-- bootstrap-server: enrollment groups (zero-touch, issue 17, decisions 075-077). A group admits a
-- device nobody registered on its first contact, from a group trust anchor: registered manufacturer
-- CAs (X509) or a group key from which each device's PSK is derived (SYMMETRIC_KEY): the first
-- derived_key_length bytes of HMAC-SHA256(group key, PSK identity), 16 for tinydtls clients. The group key
-- and the allocation webhook's signing secret are sealed like every secret (SecretCipher), bound to
-- the group's name. admitted counts the devices the group created, against device_limit; admitting
-- takes the group's row lock, so two replicas admitting the same device create it once.
CREATE TABLE enrollment_groups (
    id                        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                      VARCHAR(64)  NOT NULL,
    state                     VARCHAR(16)  NOT NULL CHECK (state IN ('ENABLED', 'DISABLED')),
    mechanism                 VARCHAR(16)  NOT NULL CHECK (mechanism IN ('X509', 'SYMMETRIC_KEY')),
    manufacturer_cas          TEXT[]       NOT NULL DEFAULT '{}',
    endpoint_from             VARCHAR(16)  CHECK (endpoint_from IN ('CN', 'SAN_URI')),
    identity_prefix           VARCHAR(64),
    derived_key_length        INTEGER      CHECK (derived_key_length BETWEEN 16 AND 32),
    key_ciphertext            BYTEA,
    key_wrapped_data_key      BYTEA,
    key_kek_version           INTEGER,
    endpoint_pattern          VARCHAR(255),
    device_limit              INTEGER      CHECK (device_limit >= 0),
    admitted                  INTEGER      NOT NULL DEFAULT 0,
    labels                    TEXT[]       NOT NULL DEFAULT '{}',
    allocation                TEXT         NOT NULL,
    allocation_ciphertext     BYTEA,
    allocation_wrapped_key    BYTEA,
    allocation_kek_version    INTEGER,
    previous_ciphertext       BYTEA,
    previous_wrapped_key      BYTEA,
    previous_kek_version      INTEGER,
    previous_valid_until      TIMESTAMPTZ,
    version                   BIGINT       NOT NULL DEFAULT 0,
    created_at                TIMESTAMPTZ  NOT NULL,
    updated_at                TIMESTAMPTZ  NOT NULL,
    CONSTRAINT enrollment_groups_name_key UNIQUE (name),
    CONSTRAINT enrollment_groups_key_check CHECK (mechanism <> 'SYMMETRIC_KEY'
        OR (identity_prefix IS NOT NULL AND key_ciphertext IS NOT NULL)),
    CONSTRAINT enrollment_groups_cas_check CHECK (mechanism <> 'X509'
        OR (cardinality(manufacturer_cas) > 0 AND endpoint_from IS NOT NULL))
);

-- bootstrap-server: what each first contact a group covered came to: ADMITTED (the device it created,
-- the attestation, the allocation decision) or REFUSED with the rule that refused it and the reason.
-- Written only once the device proved it holds the group's trust anchor (its derived key, its
-- manufacturer certificate), so a flood of garbage identities writes nothing here (they fail their
-- handshake, ADR 020); a device refused again for the same rule updates its row (attempts, last_at)
-- instead of adding one, so a fleet retrying against a full group does not grow the table.
CREATE TABLE enrollment_admissions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id     BIGINT       NOT NULL REFERENCES enrollment_groups (id) ON DELETE CASCADE,
    endpoint     VARCHAR(255) NOT NULL,
    channel      VARCHAR(16)  NOT NULL CHECK (channel IN ('BOOTSTRAP', 'EST')),
    outcome      VARCHAR(16)  NOT NULL CHECK (outcome IN ('ADMITTED', 'REFUSED')),
    refusal      VARCHAR(32)  NOT NULL DEFAULT '',
    reason       VARCHAR(1000),
    attestation  JSONB        NOT NULL,
    allocation   JSONB,
    device_id    BIGINT,
    peer         VARCHAR(64),
    attempts     INTEGER      NOT NULL DEFAULT 1,
    created_at   TIMESTAMPTZ  NOT NULL,
    last_at      TIMESTAMPTZ  NOT NULL
);
CREATE INDEX enrollment_admissions_group_idx ON enrollment_admissions (group_id, id DESC);
CREATE UNIQUE INDEX enrollment_admissions_refusal_key ON enrollment_admissions (group_id, endpoint, refusal)
    WHERE outcome = 'REFUSED';

-- est-ca: a manufacturer CA's CRL, when the operator holds one: a factory certificate it lists is
-- refused (not admitted, not trusted for a registered device either).
ALTER TABLE manufacturer_cas ADD COLUMN crl BYTEA;
ALTER TABLE manufacturer_cas ADD COLUMN crl_this_update TIMESTAMPTZ;
ALTER TABLE manufacturer_cas ADD COLUMN crl_next_update TIMESTAMPTZ;
