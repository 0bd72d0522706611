package io.lwm2m.provisioning.app.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/** The container image declares every port the server opens with its own application.yml. */
class DockerfileTest {

    @Test
    void theDockerfileExposesEveryPortTheServerOpensByDefault() throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        for (PropertySource<?> source : new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))) {
            environment.getPropertySources().addLast(source);
        }
        // application.yml alone: not the test JVM's system properties (its ephemeral management port) or environment.
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        // With the cluster port, which only a clustered server opens.
        environment.getPropertySources().addFirst(new MapPropertySource("cluster",
                Map.of("provisioning.cluster.enabled", "true")));

        List<String> opened = PortCheck.configured(environment).stream()
                .map(port -> port.address().getPort() + "/" + (port.udp() ? "udp" : "tcp")).toList();
        assertThat(opened).contains("8080/tcp", "8081/tcp", "8443/tcp", "5683/udp", "5684/udp", "5784/udp");

        Path dockerfile = Stream.of(Path.of("Dockerfile"), Path.of("../Dockerfile")).filter(Files::isRegularFile).findFirst()
                .orElseThrow();
        List<String> exposed = Files.readAllLines(dockerfile).stream().filter(line -> line.startsWith("EXPOSE "))
                .flatMap(line -> Arrays.stream(line.substring("EXPOSE ".length()).trim().split("\\s+"))).toList();
        assertThat(exposed).containsExactlyInAnyOrderElementsOf(opened);
    }
}
