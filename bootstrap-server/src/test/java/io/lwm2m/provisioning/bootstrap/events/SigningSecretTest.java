package io.lwm2m.provisioning.bootstrap.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Webhook signatures as the Standard Webhooks specification computes them, on the example its libraries test with. */
class SigningSecretTest {

    private static final byte[] KEY = Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signsAsStandardWebhooksDoes() {
        assertThat(SigningSecret.header("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, BODY, List.of(KEY)))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void duringARotationBothSecretsSignTheCurrentFirst() {
        byte[] fresh = new byte[32];
        String header = SigningSecret.header("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, BODY, List.of(fresh, KEY));
        assertThat(header.split(" ")).hasSize(2);
        assertThat(header).endsWith(" v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aSecretReadsAsWhsecAndBase64() {
        assertThat(SigningSecret.text(KEY)).isEqualTo("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }
}
