-- bootstrap-server: every session writes two versions of its bootstrap_sessions row; this index is
-- a prefix of bootstrap_sessions_device_page_idx (device_id, started_at DESC, id DESC), which serves
-- every query it served, so it only cost index writes on the hot path (ADR 015).
DROP INDEX bootstrap_sessions_device_idx;

-- A session's steps move into its own row as one JSON array (text: only the server reads it), so
-- ending a session is one UPDATE instead of an UPDATE plus a row, an index entry and a foreign-key
-- check per step. Existing history is carried over in step order.
ALTER TABLE bootstrap_sessions ADD COLUMN steps TEXT NOT NULL DEFAULT '[]';
UPDATE bootstrap_sessions b SET steps = s.steps
FROM (SELECT session_id,
             jsonb_agg(jsonb_build_object('operation', operation, 'path', path, 'responseCode', response_code,
                                          'detail', detail, 'sentAt', sent_at, 'durationMs', duration_ms)
                       ORDER BY seq)::text AS steps
      FROM bootstrap_session_steps GROUP BY session_id) s
WHERE b.id = s.session_id;
DROP TABLE bootstrap_session_steps;

-- The foreign key from a session to its device locked the device row (FOR KEY SHARE, a WAL record)
-- on every session start. Devices are never physically deleted (a deleted device is a tombstone,
-- ADR 007), and a history row keeps the device id it was recorded with, so the check bought nothing.
ALTER TABLE bootstrap_sessions DROP CONSTRAINT bootstrap_sessions_device_id_fkey;
