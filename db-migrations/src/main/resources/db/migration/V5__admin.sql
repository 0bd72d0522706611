-- bootstrap-server: a deleted device stays as a tombstone (state DELETED, credentials revoked), so
-- its sessions and audit events keep naming it and its endpoint is never handed to another device.
ALTER TABLE devices DROP CONSTRAINT devices_state_check;
ALTER TABLE devices ADD CONSTRAINT devices_state_check CHECK (state IN ('ACTIVE', 'DISABLED', 'DELETED'));
-- The device list pages by id within a state.
CREATE INDEX devices_state_idx ON devices (state, id);

-- bootstrap-server: the audit log is read back through the API, newest first, filtered by actor,
-- action or time (target has its own index since V1). A JWT caller may hold several roles.
CREATE INDEX audit_events_actor_idx ON audit_events (actor, id);
CREATE INDEX audit_events_action_idx ON audit_events (action, id);
CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at, id);
ALTER TABLE audit_events ALTER COLUMN role TYPE VARCHAR(128);

-- bootstrap-server: a device's sessions page newest first with the id as tie-breaker.
CREATE INDEX bootstrap_sessions_device_page_idx ON bootstrap_sessions (device_id, started_at DESC, id DESC);

-- admin-api: API keys are managed through the API; a revoked key's row stays, naming who revoked it.
ALTER TABLE api_keys ADD COLUMN revoked_by VARCHAR(128);
