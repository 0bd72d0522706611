-- bootstrap-server: the Security instance id of the client's bootstrap-server account as its
-- Bootstrap-Discover showed it (null when the session learned nothing). A Bootstrap-Pack has no
-- Discover before it: it takes the id from the device's latest session that learned one, so the
-- pack's DM-server instances never overwrite the client's bootstrap account (ADR 019).
ALTER TABLE bootstrap_sessions ADD COLUMN bootstrap_account_instance INTEGER
    CHECK (bootstrap_account_instance BETWEEN 0 AND 65535);
