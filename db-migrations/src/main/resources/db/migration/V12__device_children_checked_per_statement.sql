-- bootstrap-server (ADR 017): a device's credentials and DM-server links still always name an
-- existing device, but PostgreSQL checks that once per statement instead of once per row.
--
-- A foreign key checks each new child row on its own: a query that locks the device row
-- (FOR KEY SHARE), which dirties the device's page and writes a WAL record, three times for every
-- imported device. Devices are never physically deleted (a deleted device is a DELETED tombstone,
-- ADR 007; V10 relied on the same fact), so the lock protects against nothing: there is no delete
-- to wait for. This migration makes that fact a rule of the database, then replaces the two
-- foreign keys to devices by statement-level triggers that look the new rows' devices up in one
-- set-based query.

CREATE FUNCTION devices_are_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'devices are never deleted: mark the device DELETED instead'
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER devices_never_deleted BEFORE DELETE ON devices
    FOR EACH ROW EXECUTE FUNCTION devices_are_never_deleted();
CREATE TRIGGER devices_never_truncated BEFORE TRUNCATE ON devices
    FOR EACH STATEMENT EXECUTE FUNCTION devices_are_never_deleted();

-- Raises foreign_key_violation (as the foreign key did) if a new or changed row names no device.
CREATE FUNCTION device_children_name_a_device() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    orphan BIGINT;
BEGIN
    SELECT n.device_id INTO orphan FROM new_rows n
    WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = n.device_id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'insert or update on table "%" violates the rule that it names a device: device % does not exist',
            TG_TABLE_NAME, orphan USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END $$;

ALTER TABLE device_credentials DROP CONSTRAINT device_credentials_device_id_fkey;
CREATE TRIGGER device_credentials_name_a_device_on_insert AFTER INSERT ON device_credentials
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION device_children_name_a_device();
CREATE TRIGGER device_credentials_name_a_device_on_update AFTER UPDATE ON device_credentials
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION device_children_name_a_device();

ALTER TABLE device_servers DROP CONSTRAINT device_servers_device_id_fkey;
CREATE TRIGGER device_servers_name_a_device_on_insert AFTER INSERT ON device_servers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION device_children_name_a_device();
CREATE TRIGGER device_servers_name_a_device_on_update AFTER UPDATE ON device_servers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION device_children_name_a_device();
