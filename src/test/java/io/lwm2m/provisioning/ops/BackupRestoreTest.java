package io.lwm2m.provisioning.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The documented backup of an embedded install (docs/operations.md): stop the server, copy the
 * whole data dir (PostgreSQL cluster, its password file, the KEK), start on the copy. Devices
 * still bootstrap, and the CA is the same CA.
 */
class BackupRestoreTest {

    private Path original;
    private Path restored;

    @AfterEach
    void cleanUp() {
        OpsServer.delete(original);
        OpsServer.delete(restored);
    }

    @Test
    void aCopyOfTheStoppedDataDirIsAWorkingServerWithTheSameCa() throws Exception {
        original = OpsServer.newDataDir();
        OpsDevices.Registered pskDevice;
        OpsDevices.Registered x509Device;
        String dm;
        String chainBefore;
        try (OpsServer server = OpsServer.start(original)) {
            dm = OpsDevices.dmServer(server);
            pskDevice = OpsDevices.device(server, "PSK", dm);
            x509Device = OpsDevices.device(server, "X509", dm);
            chainBefore = caChain(server);
        }
        assertThat(original.resolve("kek")).exists();
        assertThat(original.resolve("postgres.password")).exists();

        // The backup: a plain copy of the stopped server's data dir, permissions and owners kept.
        restored = OpsServer.newDataDir();
        Files.delete(restored);
        Process copy = new ProcessBuilder("cp", "-a", original.toString(), restored.toString()).inheritIO().start();
        assertThat(copy.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(copy.exitValue()).isZero();
        OpsServer.delete(original); // the original is gone: only the copy is left
        original = null;

        try (OpsServer server = OpsServer.start(restored)) {
            assertThat(OpsDevices.leshanBootstrap(server.coaps(), pskDevice, Duration.ofSeconds(30)))
                    .as("a device registered before the backup bootstraps from the restored server").isTrue();

            String chainAfter = caChain(server);
            assertThat(chainAfter).isEqualTo(chainBefore);
            List<X509Certificate> chain = OpsDevices.certificates(chainAfter);
            X509Certificate issuing = chain.get(0);

            OpsDevices.Registered newDevice = OpsDevices.device(server, "X509", dm);
            X509Certificate fresh = newDevice.certificate();
            X509Certificate old = x509Device.certificate();
            assertThat(fresh.getIssuerX500Principal()).isEqualTo(old.getIssuerX500Principal())
                    .isEqualTo(issuing.getSubjectX500Principal());
            // Signed by the same CA key as before the backup: verifies with the old issuing certificate's key.
            fresh.verify(OpsDevices.certificates(chainBefore).get(0).getPublicKey());
            old.verify(issuing.getPublicKey());
            assertThat(fresh.getExtensionValue("2.5.29.35")).as("same authority key identifier")
                    .isEqualTo(old.getExtensionValue("2.5.29.35"));
        }
    }

    private static String caChain(OpsServer server) {
        OpsServer.Response response = server.getApi("/api/v1/ca/certificates");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.body()).contains("-----BEGIN CERTIFICATE-----");
        return response.body();
    }
}
