package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.lwm2m.DmServerAccount;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.profiles.Compatibility;
import io.lwm2m.provisioning.bootstrap.profiles.EffectiveProfile;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition;
import java.util.List;

/**
 * What one device receives in a bootstrap session, secrets included: lives only as long as the
 * session. The session core's own view of a device, filled by a {@link BootstrapConfigSource}.
 *
 * @param state                 the device's state by name; only {@value #ACTIVE} may bootstrap
 * @param bootstrapCredentialId the bootstrap credential the device authenticated with
 * @param bootstrapCredentialPending whether that credential is a rotation's pending one (its first use proves it)
 * @param accounts              one per DM server; a pending (rotated) credential is delivered in place of the active one
 * @param bootstrapAccount      a rotated bootstrap credential to write into the client's own bootstrap
 *                              account, or null
 * @param pendingCredentialIds  the pending credentials this configuration delivers
 * @param compatibility         the profile's settings for clients that deviate from the specification's defaults
 */
public record DeviceBootstrapConfig(long deviceId, String endpoint, String state, long bootstrapCredentialId,
        boolean bootstrapCredentialPending, List<DmServerAccount> accounts, BootstrapAccount bootstrapAccount, List<Long> pendingCredentialIds,
        List<ProfileDefinition.AccessControl> accessControl, List<String> deletePaths, boolean allowNoSec,
        Compatibility compatibility) {

    /** The state of a device that may bootstrap. */
    public static final String ACTIVE = "ACTIVE";

    public DeviceBootstrapConfig {
        compatibility = compatibility == null ? Compatibility.DEFAULT : compatibility;
        accounts = List.copyOf(accounts);
        pendingCredentialIds = List.copyOf(pendingCredentialIds);
        accessControl = accessControl == null ? List.of() : List.copyOf(accessControl);
        deletePaths = deletePaths == null ? EffectiveProfile.DEFAULT_DELETE_PATHS : List.copyOf(deletePaths);
    }

    /** A configuration of the implicit profile: accounts only, deleting /0 and /1. */
    public DeviceBootstrapConfig(long deviceId, String endpoint, String state, long bootstrapCredentialId,
            List<DmServerAccount> accounts, BootstrapAccount bootstrapAccount, List<Long> pendingCredentialIds) {
        this(deviceId, endpoint, state, bootstrapCredentialId, false, accounts, bootstrapAccount, pendingCredentialIds,
                List.of(), EffectiveProfile.DEFAULT_DELETE_PATHS, false, Compatibility.DEFAULT);
    }

    /** Whether the device may bootstrap. */
    public boolean active() {
        return ACTIVE.equals(state);
    }

    /**
     * The pending credentials a successful session delivered: all of them, except a rotated bootstrap
     * credential that was not written into the client's bootstrap account.
     */
    public List<Long> deliveredCredentialIds(boolean bootstrapAccountWritten) {
        return pendingCredentialIds.stream()
                .filter(id -> bootstrapAccount == null || id != bootstrapAccount.credentialId() || bootstrapAccountWritten)
                .toList();
    }

    /**
     * The client's own bootstrap-server account after a rotation: /0/x/2 mode, /0/x/3 identity or
     * public key or certificate, /0/x/4 this server's public key or certificate, /0/x/5 the secret.
     */
    public record BootstrapAccount(long credentialId, SecurityMode mode, byte[] publicKeyOrIdentity, byte[] serverPublicKey,
            byte[] secretKey) {

        @Override
        public String toString() {
            return "BootstrapAccount[credential " + credentialId + ", " + mode + "]";
        }
    }
}
