-- est-ca: manufacturer CAs whose certificates (factory IDevIDs) identify pre-registered devices.
CREATE TABLE manufacturer_cas (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        VARCHAR(64)  NOT NULL,
    certificate BYTEA        NOT NULL,
    subject     VARCHAR(512) NOT NULL,
    not_after   TIMESTAMPTZ  NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL,
    CONSTRAINT manufacturer_cas_name_key UNIQUE (name)
);
