package io.lwm2m.provisioning.bootstrap.identity;

import io.lwm2m.provisioning.ca.CertificateProfile;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.ServerNames;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.crypto.Der;
import io.lwm2m.provisioning.crypto.KeyEncryptionKeys;
import io.lwm2m.provisioning.crypto.RewrappableSecrets;
import io.lwm2m.provisioning.crypto.SecretCipher;
import io.lwm2m.provisioning.persistence.AdvisoryLocks;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.lwm2m.provisioning.bootstrap.settings.BootstrapSettings;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The key and certificate the bootstrap server presents in RPK and X.509 DTLS handshakes: an EC
 * P-256 key created once (under an advisory lock, so replicas share it) with a certificate from
 * our CA. Devices pin its public key (RPK) or certificate in their bootstrap account's /0/x/4.
 */
@Component
public class BootstrapServerIdentity implements RewrappableSecrets {

    private static final Logger log = LoggerFactory.getLogger(BootstrapServerIdentity.class);
    private static final long KEY_LOCK = 0x6273536572764bL; // "bsServK"

    @PersistenceContext
    private EntityManager em;

    private final BootstrapServerKeyRepository keys;
    private final CertificateAuthorityService ca;
    private final SecretCipher cipher;
    private final KeyEncryptionKeys keks;
    private final SecureRandom random;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final String hostname;
    private final ServerNames names;
    private final boolean reissue;
    private volatile Loaded loaded;

    BootstrapServerIdentity(BootstrapServerKeyRepository keys, CertificateAuthorityService ca, SecretCipher cipher,
            KeyEncryptionKeys keks, SecureRandom random, TransactionTemplate transactions, Clock clock,
            BootstrapSettings settings) {
        this.keys = keys;
        this.ca = ca;
        this.cipher = cipher;
        this.keks = keks;
        this.random = random;
        this.transactions = transactions;
        this.clock = clock;
        this.hostname = settings.hostname();
        this.names = ServerNames.forHost(hostname, settings.subjectAltNames(), "provisioning.bootstrap.subject-alt-names");
        this.reissue = settings.reissueCertificate();
    }


    public PrivateKey privateKey() {
        return loaded().privateKey();
    }

    public PublicKey publicKey() {
        return loaded().certificate().getPublicKey();
    }

    /** The server certificate followed by the CA chain (issuing CA, root). */
    public List<X509Certificate> certificateChain() {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(loaded().certificate());
        chain.addAll(ca.chain());
        return chain;
    }

    private Loaded loaded() {
        Loaded current = loaded;
        if (current == null) {
            synchronized (this) {
                current = loaded;
                if (current == null) {
                    current = transactions.execute(status -> {
                        AdvisoryLocks.lock(em, KEY_LOCK);
                        return open(keys.findFirstByOrderByIdAsc().map(this::checkNames).orElseGet(this::create));
                    });
                    loaded = current;
                }
            }
        }
        return current;
    }

    private BootstrapServerKey create() {
        KeyPair keyPair = KeyAlgorithm.EC_P256.generate(random);
        X509Certificate certificate = ca.issueServer(keyPair.getPublic(), hostname, names, "system:bootstrap-server");
        log.info("Created the bootstrap server's DTLS key and certificate (CN={}, subjectAltNames {})", hostname, names);
        return keys.save(new BootstrapServerKey(cipher.seal(keyPair.getPrivate().getEncoded(), BootstrapServerKey.KEY_CONTEXT),
                keyPair.getPublic().getEncoded(), Der.encoded(certificate), clock.instant()));
    }

    /**
     * A certificate whose names differ from the configuration is re-issued for the same key only on
     * request ({@code provisioning.bootstrap.reissue-certificate}): a device whose bootstrap account
     * pins the certificate itself (certificate usage 3) would refuse the new one (ADR 020). The
     * default certificate, naming only localhost, is replaced as soon as names are configured.
     */
    private BootstrapServerKey checkNames(BootstrapServerKey row) {
        X509Certificate current = Der.certificate(row.certificate());
        String cn = current.getSubjectX500Principal().getName();
        ServerNames held = ServerNames.of(current);
        if (held.sameAs(names) && cn.equals("CN=" + hostname)) {
            return row;
        }
        // One naming only this host (the defaults) was never fit for devices elsewhere: replaced at once.
        boolean onlyLocal = held.onlyLocal() && cn.equals("CN=localhost");
        if (!reissue && !onlyLocal) {
            log.warn("The bootstrap server's certificate has {} and subjectAltNames [{}], the configuration asks for CN={} and [{}]."
                    + " It is kept: devices may pin it. Start once with provisioning.bootstrap.reissue-certificate=true to"
                    + " re-issue it for the same key.", cn, held, hostname, names);
            return row;
        }
        X509Certificate certificate = ca.issueServer(current.getPublicKey(), hostname, names, "system:bootstrap-server");
        row.recertified(Der.encoded(certificate));
        if (reissue) {
            log.warn("Re-issued the bootstrap server's certificate for the same key: CN={}, subjectAltNames [{}] (was {}, [{}])",
                    hostname, names, cn, held);
        } else {
            // The expected step once public names are set: nothing a device could have pinned is replaced.
            log.info("Replaced the default localhost-only certificate of the bootstrap server for the same key: CN={},"
                    + " subjectAltNames [{}]", hostname, names);
        }
        return row;
    }

    private Loaded open(BootstrapServerKey row) {
        byte[] pkcs8 = cipher.open(row.key(), BootstrapServerKey.KEY_CONTEXT);
        try {
            return new Loaded(Der.privateKey(pkcs8), Der.certificate(row.certificate()));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    @Override
    public String name() {
        return "bootstrap-server-key";
    }

    @Override
    public long countNotCurrent() {
        return keys.findAll().stream().filter(k -> k.kekVersion() != keks.currentVersion()).count();
    }

    @Override
    public long rewrapAll() {
        Integer done = transactions.execute(status -> {
            int count = 0;
            for (BootstrapServerKey key : keys.findAll()) {
                if (key.kekVersion() != keks.currentVersion()) {
                    key.resealed(cipher.rewrap(key.key(), BootstrapServerKey.KEY_CONTEXT));
                    count++;
                }
            }
            return count;
        });
        return done == null ? 0 : done;
    }

    private record Loaded(PrivateKey privateKey, X509Certificate certificate) {
    }
}
