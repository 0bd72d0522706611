-- bootstrap-server: webhook subscriptions to events (issue 17, decision 078). A subscription takes the
-- event types it names (exact, or a prefix ending in '*'), optionally only those naming one DM server.
-- Its signing secret is sealed like every secret; after a rotation the previous one stays valid (and
-- signs too) until previous_valid_until. managed_by names what created it when that was not an
-- operator: the rotation webhook of a DM server ("dm-server:<name>").
CREATE TABLE event_subscriptions (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                  VARCHAR(80)   NOT NULL,
    url                   VARCHAR(512)  NOT NULL,
    types                 TEXT[]        NOT NULL,
    dm_server             VARCHAR(64),
    state                 VARCHAR(16)   NOT NULL CHECK (state IN ('ENABLED', 'DISABLED')),
    secret_ciphertext     BYTEA         NOT NULL,
    secret_wrapped_key    BYTEA         NOT NULL,
    secret_kek_version    INTEGER       NOT NULL,
    previous_ciphertext   BYTEA,
    previous_wrapped_key  BYTEA,
    previous_kek_version  INTEGER,
    previous_valid_until  TIMESTAMPTZ,
    managed_by            VARCHAR(80),
    version               BIGINT        NOT NULL DEFAULT 0,
    created_at            TIMESTAMPTZ   NOT NULL,
    updated_at            TIMESTAMPTZ   NOT NULL,
    CONSTRAINT event_subscriptions_name_key UNIQUE (name)
);

-- bootstrap-server: the outbox. An event is written in the transaction of the change it tells about,
-- together with one delivery per subscription that wants it, and only when one does. Events are
-- inserted under the audit chain's lock (ADR 078), so their ids follow commit order: a delivery is
-- attempted only after every earlier delivery of its stream (the device) to its subscription ended.
CREATE TABLE outbox_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     UUID          NOT NULL,
    type         VARCHAR(100)  NOT NULL,
    subject      VARCHAR(255),
    stream_key   VARCHAR(255)  NOT NULL,
    dm_server    VARCHAR(64),
    data         JSONB         NOT NULL,
    occurred_at  TIMESTAMPTZ   NOT NULL
);
CREATE INDEX outbox_events_occurred_idx ON outbox_events (occurred_at);

CREATE TABLE event_deliveries (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id  BIGINT        NOT NULL REFERENCES event_subscriptions (id) ON DELETE CASCADE,
    event_id         BIGINT        NOT NULL REFERENCES outbox_events (id) ON DELETE CASCADE,
    stream_key       VARCHAR(255)  NOT NULL,
    state            VARCHAR(16)   NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'DEAD')),
    attempts         INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ   NOT NULL,
    lease_owner      UUID,
    lease_until      TIMESTAMPTZ,
    last_status      INTEGER,
    last_error       VARCHAR(500),
    delivered_at     TIMESTAMPTZ,
    ended_at         TIMESTAMPTZ,
    created_at       TIMESTAMPTZ   NOT NULL
);
-- The head of each stream: the pending delivery with the lowest event id per subscription and stream.
CREATE INDEX event_deliveries_pending_idx ON event_deliveries (subscription_id, stream_key, event_id)
    WHERE state = 'PENDING';
CREATE INDEX event_deliveries_subscription_idx ON event_deliveries (subscription_id, state, id);
CREATE INDEX event_deliveries_event_idx ON event_deliveries (event_id);
CREATE INDEX event_deliveries_ended_idx ON event_deliveries (ended_at) WHERE state <> 'PENDING';
