-- bootstrap-server: every session writes two versions of its bootstrap_sessions row; this index is
-- a prefix of bootstrap_sessions_device_page_idx (device_id, started_at DESC, id DESC), which serves
-- every query it served, so it only cost index writes on the hot path (ADR 015).
DROP INDEX bootstrap_sessions_device_idx;
