package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.profiles.Profile;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.bootstrap.servers.DmServerService;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.errors.NotFoundException;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionTemplate;

/** Resolves the profiles that rows of a bulk registration name. */
@Component
class BatchProfiles {

    private final ProfileService profiles;
    private final DmServerService servers;
    private final TransactionTemplate separateReadOnly;

    BatchProfiles(ProfileService profiles, DmServerService servers, PlatformTransactionManager transactionManager) {
        this.profiles = profiles;
        this.servers = servers;
        // Profile lookups of a batch run apart: an unknown profile must fail its rows, not the batch's transaction.
        this.separateReadOnly = new TransactionTemplate(transactionManager);
        this.separateReadOnly.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.separateReadOnly.setReadOnly(true);
    }

    ProfileResolution resolve(String name) {
        ProfileResolution[] result = new ProfileResolution[1];
        try {
            separateReadOnly.executeWithoutResult(status -> result[0] = resolveNow(name));
        } catch (UnexpectedRollbackException e) {
            // The lookup failed inside a participating service, which marked its own transaction; result says why.
        }
        return result[0];
    }

    private ProfileResolution resolveNow(String name) {
        try {
            Profile profile = profiles.get(name);
            ProfileDefinition base = ProfileService.definition(profile);
            List<DmServer> deviceServers = servers.findByNames(base.serverList().stream()
                    .map(ProfileDefinition.ServerSettings::server).toList());
            return new ProfileResolution.Usable(profile, profiles.effective(profile.name(), base, deviceServers));
        } catch (NotFoundException e) {
            return new ProfileResolution.Unusable("no profile named '" + name + "'");
        } catch (InvalidInputException e) {
            return new ProfileResolution.Unusable("profile '" + name + "' cannot be used: " + e.getMessage());
        }
    }
}
