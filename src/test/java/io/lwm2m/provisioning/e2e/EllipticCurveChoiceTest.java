package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.app.startup.CryptoProviders;
import io.lwm2m.provisioning.app.startup.StartupRefusedException;
import io.lwm2m.provisioning.crypto.EllipticCurveProvider;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * {@code provisioning.crypto.ec-provider}: the default takes BoringSSL's arithmetic here (Linux x86-64,
 * where Conscrypt's library loads) and says so in the start log; a value it does not know fails the
 * start before anything is created (decision 083).
 */
class EllipticCurveChoiceTest {

    @Test
    void theDefaultTakesTheNativeArithmeticAndLogsIt() {
        int before = TestOutput.captured().length();

        new CryptoProviders().onApplicationEvent(prepared(Map.of()));

        assertThat(EllipticCurveProvider.installed()).contains(EllipticCurveProvider.Arithmetic.NATIVE);
        assertThat(java.security.Security.getProviders()[0].getName()).isEqualTo(EllipticCurveProvider.NAME);
        assertThat(TestOutput.captured().substring(before)).contains("Elliptic-curve arithmetic: BoringSSL through Conscrypt");
    }

    @Test
    void nativeIsAcceptedWhereTheLibraryLoads() {
        new CryptoProviders().onApplicationEvent(prepared(Map.of("provisioning.crypto.ec-provider", "native")));

        assertThat(EllipticCurveProvider.nativeInstalled()).isTrue();
    }

    @Test
    void anUnknownChoiceFailsTheStartNamingTheChoices() throws Exception {
        Path dataDir = TestServer.newDataDir();

        assertThatThrownBy(() -> TestServer.start(dataDir, Map.of("provisioning.crypto.ec-provider", "fastest")))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("provisioning.crypto.ec-provider must be 'auto', 'native', 'bouncy-castle' or 'jdk', not 'fastest'");
        assertThat(dataDir.resolve("postgres")).as("nothing started").doesNotExist();
        assertThat(dataDir.resolve("kek")).as("nothing created").doesNotExist();
    }

    private static ApplicationEnvironmentPreparedEvent prepared(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return new ApplicationEnvironmentPreparedEvent(new DefaultBootstrapContext(), new SpringApplication(), new String[0], environment);
    }
}
