-- bootstrap-server (ADR 017): V12 moved the device check of credentials and DM-server links from
-- per-row foreign keys to per-statement triggers. This does the same for the remaining references
-- a bulk-imported device pays for: a device's profile, and its credentials' and links' DM server.
-- They still always name existing rows; PostgreSQL checks that once per statement.
--
-- A foreign key checks each new row on its own, with a query that locks the parent row
-- (FOR KEY SHARE): about 5 µs per check, and a device imported with one DM server paid three more
-- (its profile, its credential's server, its link's server). The triggers below check a whole
-- statement's rows with one set-based query each.
--
-- DM servers, like devices (V12), are never physically deleted (the API has no delete), so nothing
-- can remove one between the check and the commit: this migration makes that a rule of the
-- database and needs no lock. Profiles can be deleted while unused: the check locks the
-- statement's few distinct profiles, and a profile's delete refuses while a device names it, which
-- is what the foreign key did on both sides.

-- Refuses a DELETE or TRUNCATE with the reason given as the trigger's argument.
CREATE FUNCTION refuse_removal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation', TABLE = TG_TABLE_NAME;
END $$;

CREATE TRIGGER dm_servers_never_deleted BEFORE DELETE ON dm_servers
    FOR EACH ROW EXECUTE FUNCTION refuse_removal('DM servers are never deleted: devices and their credentials name them');
CREATE TRIGGER dm_servers_never_truncated BEFORE TRUNCATE ON dm_servers
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_removal('DM servers are never deleted: devices and their credentials name them');

-- Raised like a foreign key's violation (SQLSTATE 23503), so callers see the same error.
CREATE FUNCTION missing_reference(child TEXT, parent TEXT, id BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'insert or update on table "%" names % %, which does not exist', child, parent, id
        USING ERRCODE = 'foreign_key_violation', TABLE = child;
END $$;

-- device_credentials and device_servers: their device and (if any) DM server exist. Replaces
-- V12's device-only check.
CREATE FUNCTION device_children_reference_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing BIGINT;
BEGIN
    SELECT n.device_id INTO missing FROM new_rows n
    WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = n.device_id) LIMIT 1;
    IF FOUND THEN
        PERFORM missing_reference(TG_TABLE_NAME, 'device', missing);
    END IF;
    SELECT s.server_id INTO missing FROM (SELECT DISTINCT server_id FROM new_rows WHERE server_id IS NOT NULL) s
    WHERE NOT EXISTS (SELECT 1 FROM dm_servers d WHERE d.id = s.server_id) LIMIT 1;
    IF FOUND THEN
        PERFORM missing_reference(TG_TABLE_NAME, 'DM server', missing);
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER device_credentials_name_a_device_on_insert ON device_credentials;
DROP TRIGGER device_credentials_name_a_device_on_update ON device_credentials;
DROP TRIGGER device_servers_name_a_device_on_insert ON device_servers;
DROP TRIGGER device_servers_name_a_device_on_update ON device_servers;
DROP FUNCTION device_children_name_a_device();

ALTER TABLE device_credentials DROP CONSTRAINT device_credentials_server_id_fkey;
CREATE TRIGGER device_credentials_references_on_insert AFTER INSERT ON device_credentials
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION device_children_reference_check();
CREATE TRIGGER device_credentials_references_on_update AFTER UPDATE ON device_credentials
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION device_children_reference_check();

ALTER TABLE device_servers DROP CONSTRAINT device_servers_server_id_fkey;
CREATE TRIGGER device_servers_references_on_insert AFTER INSERT ON device_servers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION device_children_reference_check();
CREATE TRIGGER device_servers_references_on_update AFTER UPDATE ON device_servers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION device_children_reference_check();

-- devices: the profile exists, and stays until this transaction ends (a concurrent delete of it
-- waits for the lock, then finds this device and refuses).
CREATE FUNCTION devices_profile_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing BIGINT;
BEGIN
    PERFORM 1 FROM profiles p
    WHERE p.id IN (SELECT DISTINCT profile_id FROM new_rows WHERE profile_id IS NOT NULL)
    FOR KEY SHARE;
    SELECT s.profile_id INTO missing FROM (SELECT DISTINCT profile_id FROM new_rows WHERE profile_id IS NOT NULL) s
    WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = s.profile_id) LIMIT 1;
    IF FOUND THEN
        PERFORM missing_reference(TG_TABLE_NAME, 'profile', missing);
    END IF;
    RETURN NULL;
END $$;

ALTER TABLE devices DROP CONSTRAINT devices_profile_id_fkey;
CREATE TRIGGER devices_profile_on_insert AFTER INSERT ON devices
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION devices_profile_check();
CREATE TRIGGER devices_profile_on_update AFTER UPDATE ON devices
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION devices_profile_check();

-- profiles: a profile some device names cannot be deleted (devices_profile_idx finds them).
CREATE FUNCTION profiles_in_use_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM devices WHERE profile_id = OLD.id) THEN
        RAISE EXCEPTION 'update or delete on table "profiles" would leave devices naming profile %', OLD.id
            USING ERRCODE = 'foreign_key_violation', TABLE = 'profiles';
    END IF;
    RETURN OLD;
END $$;

CREATE TRIGGER profiles_in_use BEFORE DELETE ON profiles
    FOR EACH ROW EXECUTE FUNCTION profiles_in_use_check();
CREATE TRIGGER profiles_never_truncated BEFORE TRUNCATE ON profiles
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_removal('profiles cannot be truncated: devices name them');
