package io.lwm2m.provisioning.ca;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.login.FailedLoginException;

/**
 * Loads an issuing CA whose key lives in a PKCS#11 token (HSM, SoftHSM) through the JDK's SunPKCS11 provider.
 *
 * <p>The config is SunPKCS11 syntax, given inline or as a file path, e.g.
 * <pre>
 * name = ca
 * library = /usr/lib/softhsm/libsofthsm2.so
 * slot = 1234567
 * </pre>
 * SunPKCS11 (JDK 17) selects the token by {@code slot} or {@code slotListIndex}; it has no token-label option.
 *
 * <p>PKCS#11 login state belongs to the process, not to a provider instance: once one load has logged in to a
 * token, SunPKCS11 skips the login (and so the PIN check) for later loads of the same token in this JVM.
 */
public final class Pkcs11 {

    private static final Pattern LIBRARY = Pattern.compile("(?m)^\\s*library\\s*=\\s*(.+?)\\s*$");
    private static final Pattern TOKEN_LABEL = Pattern.compile("(?m)^\\s*tokenLabel\\s*=");

    private Pkcs11() {
    }

    /** The private key stays in the token; {@code provider} is what can sign with it. */
    public record Pkcs11Key(Provider provider, PrivateKey key, List<X509Certificate> chain) {

        public Pkcs11Key {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(key, "key");
            chain = List.copyOf(chain);
        }

        @Override
        public String toString() {
            return "Pkcs11Key[provider=" + provider.getName() + ", chain="
                    + chain.stream().map(c -> c.getSubjectX500Principal().getName()).toList() + ", key=<in token>]";
        }
    }

    /**
     * Logs in to the token with {@code pin} and returns the key and certificate chain stored under {@code alias},
     * after checking they form a usable issuing CA (the key signs for the first certificate, which is a CA).
     *
     * @throws CaImportException naming what is wrong: no SunPKCS11, library missing, no such slot, wrong PIN,
     *                           no such alias, or a chain that fails the import checks
     */
    public static Pkcs11Key load(String sunPkcs11Config, char[] pin, String alias) {
        if (sunPkcs11Config == null || sunPkcs11Config.isBlank()) {
            throw new CaImportException("PKCS#11: the SunPKCS11 config is empty");
        }
        if (alias == null || alias.isBlank()) {
            throw new CaImportException("PKCS#11: the key alias must not be blank");
        }
        Provider provider = configure(sunPkcs11Config);
        KeyStore store = openKeyStore(provider, pin);
        try {
            Key key = store.getKey(alias, null);
            if (!(key instanceof PrivateKey privateKey)) {
                throw new CaImportException("PKCS#11: the token has no private key with alias '" + alias
                        + "' (a key needs a certificate with the same CKA_ID/label to appear); aliases present: "
                        + Collections.list(store.aliases()));
            }
            Certificate[] certificates = store.getCertificateChain(alias);
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : certificates == null ? new Certificate[0] : certificates) {
                chain.add((X509Certificate) certificate);
            }
            if (chain.isEmpty()) {
                throw new CaImportException("PKCS#11: key '" + alias + "' has no certificate in the token");
            }
            CaValidation.check(chain, privateKey, provider, Instant.now());
            return new Pkcs11Key(provider, privateKey, chain);
        } catch (GeneralSecurityException e) {
            throw new CaImportException("PKCS#11: entry '" + alias + "' cannot be read: " + e.getMessage(), e);
        }
    }

    private static Provider configure(String config) {
        Provider prototype = Security.getProvider("SunPKCS11");
        if (prototype == null) {
            throw new CaImportException("PKCS#11: this JRE has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
        }
        if (TOKEN_LABEL.matcher(config).find()) {
            throw new CaImportException("PKCS#11: SunPKCS11 has no 'tokenLabel' option; select the token with "
                    + "'slot = <id>' (see softhsm2-util --show-slots or pkcs11-tool -L) or 'slotListIndex = <n>'");
        }
        String argument = inlineOrFile(config);
        libraryOf(argument).ifPresent(library -> {
            // Paths with ${system.property} expansions are left for SunPKCS11 to resolve and report.
            if (!library.contains("${") && !Files.isRegularFile(Path.of(library))) {
                throw new CaImportException("PKCS#11: library " + library + " does not exist (is the HSM "
                        + "client/SoftHSM installed?)");
            }
        });
        try {
            return prototype.configure(argument);
        } catch (RuntimeException e) {
            // InvalidParameterException (config syntax) or ProviderException (C_Initialize, slot lookup).
            throw new CaImportException("PKCS#11: the token cannot be opened with this config ("
                    + rootMessage(e) + "); check library, slot/slotListIndex", e);
        }
    }

    private static KeyStore openKeyStore(Provider provider, char[] pin) {
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS11", provider);
        } catch (KeyStoreException e) {
            throw new CaImportException("PKCS#11: no token present in the configured slot ("
                    + rootMessage(e) + "); check slot/slotListIndex", e);
        }
        try {
            store.load(null, pin);
            return store;
        } catch (IOException e) {
            if (hasCause(e, FailedLoginException.class) || rootMessage(e).contains("CKR_PIN_INCORRECT")) {
                throw new CaImportException("PKCS#11: login to the token failed: wrong PIN");
            }
            if (rootMessage(e).contains("CKR_PIN_LOCKED")) {
                throw new CaImportException("PKCS#11: the token's user PIN is locked (too many wrong PINs)");
            }
            throw new CaImportException("PKCS#11: login to the token failed (" + rootMessage(e) + ")", e);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new CaImportException("PKCS#11: the token's keystore cannot be read (" + rootMessage(e) + ")", e);
        }
    }

    /** SunPKCS11 takes a file name, or the config itself prefixed with "--". */
    private static String inlineOrFile(String config) {
        String trimmed = config.trim();
        if (trimmed.startsWith("--") || (!trimmed.contains("\n") && !trimmed.contains("=")
                && Files.isRegularFile(Path.of(trimmed)))) {
            return trimmed;
        }
        return "--" + config;
    }

    private static Optional<String> libraryOf(String argument) {
        String text;
        if (argument.startsWith("--")) {
            text = argument.substring(2);
        } else {
            try {
                text = Files.readString(Path.of(argument));
            } catch (IOException e) {
                throw new CaImportException("PKCS#11: config file " + argument + " cannot be read");
            }
        }
        Matcher matcher = LIBRARY.matcher(text);
        return matcher.find() ? Optional.of(matcher.group(1).replaceAll("^\"|\"$", "")) : Optional.empty();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message; PKCS#11 errors (CKR_...) sit at the bottom of the cause chain. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
