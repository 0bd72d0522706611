-- est-ca (decision 087): the foreign key from a certificate to its authority checked the authority's
-- row for every certificate issued, and locked it (FOR KEY SHARE): a WAL record on that one row per
-- certificate, and a multixact whenever two enrollments commit at once, all on the CA's busiest row.
--
-- Only the CA writes certificates, and it writes the id of the authority it signed with, which it
-- read from this table. What the key still guarded is that no authority goes while certificates
-- name it; authorities, like DM servers (V13), are never deleted (nothing in the server deletes
-- one), and this migration makes that a rule of the database, as V13 did for DM servers.
ALTER TABLE certificates DROP CONSTRAINT certificates_authority_id_fkey;

CREATE TRIGGER ca_authorities_never_deleted BEFORE DELETE OR UPDATE OF id ON ca_authorities
    FOR EACH ROW EXECUTE FUNCTION refuse_removal('certificate authorities are never deleted: the certificates they issued name them');
CREATE TRIGGER ca_authorities_never_truncated BEFORE TRUNCATE ON ca_authorities
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_removal('certificate authorities are never deleted: the certificates they issued name them');
