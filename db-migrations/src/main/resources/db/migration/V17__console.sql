-- The operator console (issue 16; decisions 072, 073).

-- bootstrap-server: device search by endpoint prefix, profile, state and label, each page ordered by
-- endpoint, under 200 ms at 1,000,000 devices. Endpoints are ASCII only (decision 030), so byte
-- order ("C") is the natural order, and with it the unique index itself serves a prefix as a range
-- (`endpoint >= 'urn:imei:35' AND endpoint < 'urn:imei:36'`) and the order of a page: no new index,
-- nothing more for an import to write. Equality lookups (`endpoint = ?`) keep using the same index.
ALTER TABLE devices ALTER COLUMN endpoint TYPE VARCHAR(255) COLLATE "C";

-- A profile's devices in endpoint order; replaces the index on profile_id alone (same cost per row).
CREATE INDEX devices_profile_endpoint_idx ON devices (profile_id, endpoint);
DROP INDEX devices_profile_idx;

-- Disabled and deleted devices in endpoint order. Imported devices are ACTIVE, so imports write
-- nothing here; a search for ACTIVE devices walks the endpoint index (nearly every row matches).
CREATE INDEX devices_inactive_endpoint_idx ON devices (state, endpoint) WHERE state <> 'ACTIVE';

-- Devices by label (`labels @> ARRAY['lot=42']`). Decision 013 dropped a GIN index over every row
-- for import speed; this one leaves out unlabelled devices, so only labelled rows pay for it.
CREATE INDEX devices_labelled_idx ON devices USING GIN (labels) WHERE labels <> '{}';

-- admin-api: import jobs can be cancelled (rows committed before stay), and a job knows how many
-- rows its upload holds from the moment it is accepted, so progress reads "rows done of total".
ALTER TABLE import_jobs DROP CONSTRAINT import_jobs_state_check;
ALTER TABLE import_jobs ADD CONSTRAINT import_jobs_state_check
    CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'));
ALTER TABLE import_jobs ADD COLUMN rows_expected BIGINT;
-- Lists of jobs, newest first (the console's imports page, GET /api/v1/imports and /fleet-actions).
CREATE INDEX import_jobs_created_idx ON import_jobs (created_at DESC, id DESC);
CREATE INDEX fleet_jobs_created_idx ON fleet_jobs (created_at DESC, id DESC);
