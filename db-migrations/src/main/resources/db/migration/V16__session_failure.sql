-- bootstrap-server: why a session failed or a request was refused, as a typed cause (BootstrapFailure:
-- NO_ANSWER, ENDPOINT_MISMATCH, ...) beside the reason in words, so that the API, dashboards and
-- support filter on it rather than on wording. Older rows keep NULL.
ALTER TABLE bootstrap_sessions ADD COLUMN failure VARCHAR(32);
