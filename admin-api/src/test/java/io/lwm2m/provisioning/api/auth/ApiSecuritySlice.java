package io.lwm2m.provisioning.api.auth;

import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * What a {@code @WebMvcTest} slice of the admin API needs around its controllers: the real security
 * filter chain and role rules, one valid API key per role (and none else), and an audit log kept in
 * memory.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import({SecurityConfiguration.class, AccessDenials.class})
public class ApiSecuritySlice {

    private static final Map<Role, String> KEYS = new EnumMap<>(Role.class);

    static {
        for (Role role : Role.values()) {
            KEYS.put(role, "bsk_slice-test-key-of-the-" + role.apiName() + "-role-000000000000");
        }
    }

    /** The {@code Authorization} header of a valid key of {@code role}. */
    public static String bearer(Role role) {
        return "Bearer " + KEYS.get(role);
    }

    @Bean
    ApiKeyAuthenticator apiKeys() {
        return presented -> KEYS.entrySet().stream().filter(e -> e.getValue().equals(presented)).findFirst()
                .map(e -> new ApiKey("slice-" + e.getKey().apiName(), e.getKey(), new byte[32], e.getValue().substring(0, 10),
                        Instant.EPOCH, "test", null));
    }

    @Bean
    RecordedAudit audit() {
        return new RecordedAudit();
    }

    /** The audit log of the slice: every event, in order. */
    public static final class RecordedAudit implements AuditSink {

        private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void record(AuditEvent event) {
            events.add(event);
        }

        public List<AuditEvent> events() {
            return List.copyOf(events);
        }

        public Optional<AuditEvent> last() {
            return events.isEmpty() ? Optional.empty() : Optional.of(events.get(events.size() - 1));
        }
    }
}
