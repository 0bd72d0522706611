package io.lwm2m.provisioning.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.stereotype.Component;

/** Instants as the console shows them: UTC to the second, as the audit log and the API report them. In templates: {@code @time.of(x)}. */
@Component("time")
public class Times {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    public String of(Instant instant) {
        return instant == null ? "" : FORMAT.format(instant);
    }
}
