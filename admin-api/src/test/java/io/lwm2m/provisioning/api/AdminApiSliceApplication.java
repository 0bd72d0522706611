package io.lwm2m.provisioning.api;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The configuration {@code @WebMvcTest} slices of the admin API start from: it scans the API's
 * packages, and the slice keeps only their web parts (controllers named by the test, advice,
 * filters, JSON settings).
 */
@SpringBootApplication
class AdminApiSliceApplication {
}
