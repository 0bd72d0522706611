package io.lwm2m.provisioning.api.auth;

import java.util.Optional;

/** Who presents an API key: what the bearer filter asks of the keys ({@link ApiKeyService} in the application). */
public interface ApiKeyAuthenticator {

    /** The key's owner, if the key exists and is valid now. */
    Optional<ApiKey> authenticate(String presentedKey);
}
