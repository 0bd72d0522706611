package io.lwm2m.provisioning;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The LwM2M bootstrap and credential provisioning server: assembles the admin API, the bootstrap
 * server and the CA (each module contributes its own components under this package).
 */
@SpringBootApplication
@EnableScheduling
public class ProvisioningServerApplication {

    public static void main(String[] args) {
        SpringApplication.run(ProvisioningServerApplication.class, args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
