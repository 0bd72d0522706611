package io.lwm2m.provisioning.app.est;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.est.EstSettings;
import io.lwm2m.provisioning.est.https.EstHttpsTls;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;

/** How the EST connector is set up on the app's Tomcat (served end to end in EstHttpsEndToEndTest). */
class EstHttpsConnectorTest {

    private final TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();

    @Test
    void addsATlsConnectorThatWantsButDoesNotNeedClientCertificates() {
        connector(0, 8).customize(factory);

        assertThat(factory.getAdditionalConnectors()).hasSize(1);
        Connector https = factory.getAdditionalConnectors().get(0);
        assertThat(https.getScheme()).isEqualTo("https");
        assertThat(https.getSecure()).isTrue();
        Http11NioProtocol protocol = (Http11NioProtocol) https.getProtocolHandler();
        assertThat(protocol.isSSLEnabled()).isTrue();
        assertThat(protocol.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(protocol.getMaxThreads()).isEqualTo(8);
        SSLHostConfig[] ssl = protocol.findSslHostConfigs();
        assertThat(ssl).hasSize(1);
        assertThat(ssl[0].getCertificateVerification()).isEqualTo(SSLHostConfig.CertificateVerification.OPTIONAL);
        assertThat(ssl[0].getProtocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
        assertThat(factory.getContextValves()).singleElement().isInstanceOf(EstPortValve.class);
    }

    @Test
    void portMinusOneAddsNothing() {
        connector(-1, 8).customize(factory);

        assertThat(factory.getAdditionalConnectors()).isEmpty();
        assertThat(factory.getContextValves()).isEmpty();
    }

    @Test
    void addsItsConnectorOnceWhateverCustomisesItAgain() {
        EstHttpsConnector connector = connector(0, 8);

        connector.customize(factory);
        connector.customize(factory);

        assertThat(factory.getAdditionalConnectors()).hasSize(1);
    }

    private static EstHttpsConnector connector(int port, int threads) {
        return new EstHttpsConnector(new StaticListableBeanFactory().getBeanProvider(EstHttpsTls.class),
                new EstSettings(8, new EstSettings.Https("127.0.0.1", port, null, null, threads)));
    }
}
