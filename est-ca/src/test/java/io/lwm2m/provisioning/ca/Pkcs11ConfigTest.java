package io.lwm2m.provisioning.ca;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Configuration mistakes {@link Pkcs11#load} explains without needing a token. */
class Pkcs11ConfigTest {

    @Test
    void reportsAMissingLibrary() {
        String config = "name = ca\nlibrary = /nonexistent/libpkcs11.so\nslot = 0\n";

        assertThatThrownBy(() -> Pkcs11.load(config, "1234".toCharArray(), "ca"))
                .isInstanceOf(CaImportException.class)
                .hasMessage("PKCS#11: library /nonexistent/libpkcs11.so does not exist (is the HSM client/SoftHSM "
                        + "installed?)");
    }

    @Test
    void explainsThatTokenLabelIsNotASunPkcs11Option() {
        String config = "name = ca\nlibrary = /usr/lib/softhsm/libsofthsm2.so\ntokenLabel = ca\n";

        assertThatThrownBy(() -> Pkcs11.load(config, "1234".toCharArray(), "ca"))
                .isInstanceOf(CaImportException.class)
                .hasMessageStartingWith("PKCS#11: SunPKCS11 has no 'tokenLabel' option; select the token with 'slot");
    }

    @Test
    void reportsAnEmptyConfig() {
        assertThatThrownBy(() -> Pkcs11.load(" ", "1234".toCharArray(), "ca"))
                .isInstanceOf(CaImportException.class)
                .hasMessage("PKCS#11: the SunPKCS11 config is empty");
    }
}
