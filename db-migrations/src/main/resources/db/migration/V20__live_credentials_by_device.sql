-- bootstrap-server: a device's live credentials without walking its history (decision 085). Every
-- rotation leaves a RETIRED or REVOKED row behind, and the per-device index reached them all: a device
-- that had re-enrolled over EST a few hundred times cost each enrollment a few hundred row fetches.
-- The queries that ask for live credentials name the statuses as literals, so the planner can use it.
CREATE INDEX device_credentials_live_device_idx ON device_credentials (device_id)
    WHERE status IN ('ACTIVE', 'PENDING');
