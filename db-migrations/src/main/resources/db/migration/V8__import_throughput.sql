-- Bulk import throughput (decision 013): every imported device pays for each index on its rows.

-- No query can use the GIN index on labels: label selectors are `? = ANY (labels)`, which GIN does
-- not serve, and fleet actions walk devices in id order anyway.
DROP INDEX devices_labels_idx;

-- NULLs never collide in a unique index, so leaving them out keeps the rule (a certificate serial
-- names one credential) and spares every PSK and RPK credential an index entry. Lookups by serial
-- (`certificate_serial = ?`) still use it.
DROP INDEX device_credentials_certificate_serial_key;
CREATE UNIQUE INDEX device_credentials_certificate_serial_key ON device_credentials (certificate_serial)
    WHERE certificate_serial IS NOT NULL;
