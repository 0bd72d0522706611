-- bootstrap-server: at most one running bootstrap session per device, whichever replica runs it. A
-- new Bootstrap-Request supersedes the running one (marked FAILED first, in the same transaction).
CREATE UNIQUE INDEX bootstrap_sessions_one_running_per_device
    ON bootstrap_sessions (device_id) WHERE outcome = 'RUNNING' AND device_id IS NOT NULL;

-- bootstrap-server: bootstrap profiles, named templates of what devices receive. The definition is
-- a JSON document (DM servers with per-server settings, Access Control instances, paths to delete,
-- whether NoSec is allowed, EST policy) validated by the application before it is stored.
CREATE TABLE profiles (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        VARCHAR(64)  NOT NULL,
    description VARCHAR(255),
    definition  TEXT         NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL,
    updated_at  TIMESTAMPTZ  NOT NULL,
    version     BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT profiles_name_key UNIQUE (name)
);

-- A device follows one profile (or, created with a plain server list, its own implicit one) and may
-- override parts of it (same JSON shape).
ALTER TABLE devices ADD COLUMN profile_id BIGINT REFERENCES profiles (id);
ALTER TABLE devices ADD COLUMN overrides TEXT;
CREATE INDEX devices_profile_idx ON devices (profile_id);
