package io.lwm2m.provisioning.bootstrap.credentials;

/** Which connection a credential secures: device ↔ this bootstrap server, or device ↔ a DM server. */
public enum CredentialChannel { BOOTSTRAP, SERVER }
