package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import tools.jackson.databind.JsonNode;

/** The API's protocol manners: OpenAPI, problem+json for every failure, size limits, request ids, cursor pages. */
class ApiQualityTest {

    private static TestServer server;
    private static String dm;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        dm = Fixtures.server(server, "coaps://dm.example:5684", 131, 300, "U", "PSK", true);
    }

    @Test
    void theOpenApiDocumentAndItsRenderingAreServedWithoutAKey() {
        HttpResponse<String> docs = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v3/api-docs")));
        assertThat(docs.statusCode()).isEqualTo(200);
        JsonNode openapi = TestServer.JSON.readTree(docs.body());
        assertThat(openapi.get("openapi").asString()).startsWith("3.");
        assertThat(openapi.get("paths").propertyNames()).contains("/api/v1/devices", "/api/v1/devices/{endpoint}/disable",
                "/api/v1/api-keys", "/api/v1/audit", "/api/v1/audit/verify", "/api/v1/servers", "/api/v1/certificates");
        assertThat(openapi.get("components").get("securitySchemes").get("bearer").get("scheme").asString()).isEqualTo("bearer");

        HttpResponse<String> ui = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/swagger-ui.html")));
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).containsIgnoringCase("swagger");
        for (String asset : List.of("/webjars/swagger-ui/swagger-ui-bundle.js", "/webjars/swagger-ui/swagger-ui.css", "/swagger-ui-init.js")) {
            assertThat(Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + asset))).statusCode()).as(asset).isEqualTo(200);
        }
    }

    @Test
    void theOpenApiDocumentIsValidAndDescribesBodiesParametersAndPublicCalls() {
        String docs = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v3/api-docs"))).body();
        // swagger-parser (test scope only) is an independent judge of the document's validity.
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(docs, null, null);
        assertThat(parsed.getMessages()).as("swagger-parser's findings").isEmpty();

        JsonNode openapi = TestServer.JSON.readTree(docs);
        JsonNode createDevice = openapi.at("/paths/~1api~1v1~1devices/post");
        String bodyRef = createDevice.at("/requestBody/content/application~1json/schema/$ref").asString();
        JsonNode deviceRequest = openapi.at("/components/schemas/" + bodyRef.substring(bodyRef.lastIndexOf('/') + 1));
        assertThat(deviceRequest.get("properties").propertyNames())
                .contains("endpoint", "servers", "profile", "bootstrapCredential");
        assertThat(createDevice.at("/responses/default/content/application~1problem+json/schema/$ref").asString())
                .isEqualTo("#/components/schemas/Problem");
        JsonNode listDevices = openapi.at("/paths/~1api~1v1~1devices/get/parameters");
        assertThat(listDevices.findValuesAsString("name")).contains("state", "limit", "cursor");
        assertThat(openapi.at("/paths/~1api~1v1~1devices~1{endpoint}/get/parameters/0/in").asString()).isEqualTo("path");
        // The CA's public material needs no key; everything else does (the document's global requirement).
        assertThat(openapi.at("/paths/~1api~1v1~1ca~1crl/get/security").isEmpty()).isTrue();
        assertThat(openapi.at("/paths/~1api~1v1~1devices/post").has("security")).isFalse();
        assertThat(openapi.at("/security/0").has("bearer")).isTrue();
    }

    @Test
    void everyOperationHasAUniqueOperationIdASummaryATagAndItsRealStatuses() {
        JsonNode openapi = TestServer.JSON.readTree(Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v3/api-docs"))).body());
        java.util.Set<String> ids = new java.util.HashSet<>();
        int operations = 0;
        for (var path : openapi.get("paths").properties()) {
            for (var method : path.getValue().properties()) {
                String where = method.getKey().toUpperCase() + " " + path.getKey();
                JsonNode operation = method.getValue();
                operations++;
                String id = operation.get("operationId").asString();
                assertThat(id).as(where).matches("[a-z]+[A-Z][A-Za-z]+");
                assertThat(ids.add(id)).as(where + ": " + id + " is unique").isTrue();
                assertThat(operation.get("summary").asString()).as(where).isNotBlank();
                assertThat(operation.get("tags")).as(where).hasSize(1);
                List<String> statuses = operation.get("responses").propertyNames().stream().toList();
                assertThat(statuses).as(where).anyMatch(code -> code.startsWith("2")).doesNotContain("2XX");
                boolean isPublic = operation.has("security") && operation.get("security").isEmpty();
                if (!isPublic) {
                    assertThat(statuses).as(where).contains("401", "403");
                }
                if (path.getKey().contains("{")) {
                    assertThat(statuses).as(where).contains("404");
                }
                if (operation.has("requestBody")) {
                    assertThat(statuses).as(where).contains("400", "413", "415");
                }
            }
        }
        assertThat(operations).isGreaterThan(50);
    }

    @Test
    void theOpenApiDocumentDescribesTheUploadTheImportJobsAndRequiredFields() {
        JsonNode openapi = TestServer.JSON.readTree(Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v3/api-docs"))).body());
        JsonNode upload = openapi.at("/paths/~1api~1v1~1imports/post");
        assertThat(upload.get("operationId").asString()).isEqualTo("createImport");
        assertThat(upload.at("/requestBody/content").propertyNames()).contains("text/csv", "application/x-ndjson", "multipart/form-data");
        JsonNode form = upload.at("/requestBody/content/multipart~1form-data/schema");
        assertThat(form.at("/properties/file/format").asString()).isEqualTo("binary");
        assertThat(form.get("required").valueStream().map(JsonNode::asString)).containsExactly("file");
        assertThat(upload.get("responses").propertyNames()).contains("202", "200", "413", "415", "422");
        assertThat(openapi.at("/paths/~1api~1v1~1imports/get/operationId").asString()).isEqualTo("listImports");
        assertThat(openapi.at("/paths/~1api~1v1~1imports/get/parameters").findValuesAsString("name")).contains("state", "limit", "cursor");
        assertThat(openapi.at("/paths/~1api~1v1~1imports~1{id}~1cancel/post/responses").propertyNames()).contains("200", "409");
        assertThat(openapi.at("/paths/~1api~1v1~1fleet-actions/get/operationId").asString()).isEqualTo("listFleetActions");
        assertThat(openapi.at("/paths/~1api~1v1~1devices/get/parameters").findValuesAsString("name"))
                .contains("endpointPrefix", "profile", "label", "state");
        assertThat(openapi.at("/paths/~1api~1v1~1profiles~1{name}/put/responses").propertyNames()).contains("412");
        String job = openapi.at("/paths/~1api~1v1~1imports~1{id}/get/responses/200/content/application~1json/schema/$ref").asString();
        JsonNode jobSchema = openapi.at("/components/schemas/" + job.substring(job.lastIndexOf('/') + 1));
        String progress = jobSchema.at("/properties/progress/$ref").asString();
        assertThat(openapi.at("/components/schemas/" + progress.substring(progress.lastIndexOf('/') + 1) + "/properties").propertyNames())
                .containsExactlyInAnyOrder("rowsDone", "rowsTotal", "percent");
        String device = openapi.at("/paths/~1api~1v1~1devices/post/requestBody/content/application~1json/schema/$ref").asString();
        assertThat(openapi.at("/components/schemas/" + device.substring(device.lastIndexOf('/') + 1) + "/required")
                .valueStream().map(JsonNode::asString)).contains("endpoint");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/nothing-here", "/api/v2/devices", "/nothing-here"})
    void anUnknownPathIs404ProblemJson(String path) {
        HttpResponse<String> response = Http.get(server, path);
        assertThat(response.statusCode()).isEqualTo(404);
        assertProblem(response, 404);
    }

    @Test
    void aWrongMethodIs405ProblemJsonNamingTheAllowedOnes() {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/servers"))
                .header("Authorization", "Bearer " + server.adminKey()).method("PATCH", HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).isEqualTo(405);
        assertProblem(response, 405);
        assertThat(response.headers().firstValue("Allow").orElse("")).contains("GET").contains("POST");
    }

    /**
     * Tomcat refuses TRACE itself and forwards to the error page: the answer still names the request
     * (its id and path), and the error page asked for directly is a path that names nothing.
     */
    @Test
    void theContainersErrorPageNamesTheRequestThatFailedAndIsNoPageOfItsOwn() {
        HttpResponse<String> trace = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/servers"))
                .header("X-Request-Id", "trace-1").method("TRACE", HttpRequest.BodyPublishers.noBody()));
        assertThat(trace.statusCode()).isEqualTo(405);
        JsonNode refused = assertProblem(trace, 405);
        assertThat(refused.get("requestId").asString()).isEqualTo("trace-1");
        assertThat(trace.headers().firstValue("X-Request-Id")).hasValue("trace-1");
        assertThat(refused.get("instance").asString()).isEqualTo("/api/v1/servers");

        HttpResponse<String> direct = Http.get(server, "/error");
        assertThat(direct.statusCode()).isEqualTo(404);
        assertProblem(direct, 404);
    }

    @Test
    void aBodyThatIsNotJsonIs415ProblemJson() {
        HttpResponse<String> response = Http.send(post("/api/v1/servers", "text/plain", HttpRequest.BodyPublishers.ofString("dm-1")));
        assertThat(response.statusCode()).isEqualTo(415);
        assertProblem(response, 415);
    }

    @Test
    void malformedJsonAndWrongTypesAre400WithTheFieldListed() {
        HttpResponse<String> malformed = Http.send(post("/api/v1/devices", "application/json",
                HttpRequest.BodyPublishers.ofString("{\"endpoint\": ")));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertProblem(malformed, 400);
        HttpResponse<String> wrongType = Http.send(post("/api/v1/servers", "application/json",
                HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"shortServerId\":[1]}")));
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(assertProblem(wrongType, 400).get("errors").get(0).get("field").asString()).isEqualTo("shortServerId");
    }

    @Test
    void anOversizedBodyIs413ProblemJsonWhetherDeclaredOrChunked() {
        byte[] body = ("{\"name\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> declared = Http.send(post("/api/v1/servers", "application/json",
                HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(declared.statusCode()).isEqualTo(413);
        assertProblem(declared, 413);

        HttpResponse<String> chunked = Http.send(post("/api/v1/servers", "application/json",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(assertProblem(chunked, 413).get("detail").asString()).contains("limit");
        assertThat(server.call("GET", "/api/v1/servers/" + "a".repeat(64), null).status()).isEqualTo(404);
    }

    @Test
    void everyAnswerCarriesARequestIdAndASaneOneIsEchoed() {
        HttpResponse<String> given = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/servers"))
                .header("Authorization", "Bearer " + server.adminKey()).header("X-Request-Id", "line7-batch42"));
        assertThat(given.headers().firstValue("X-Request-Id")).hasValue("line7-batch42");
        HttpResponse<String> insane = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/servers"))
                .header("X-Request-Id", "evil\tvalue with spaces"));
        assertThat(insane.statusCode()).isEqualTo(401);
        String generated = insane.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(generated).matches("[0-9a-f-]{36}");
        assertThat(TestServer.JSON.readTree(insane.body()).get("requestId").asString()).isEqualTo(generated);
    }

    @Test
    void logLinesOfARequestCarryItsRequestId() {
        Fixtures.Device device = Fixtures.device(server, dm);
        TestServer.ApiResponse rotated = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/rotate",
                "{\"target\":\"server\",\"server\":\"" + dm + "\"}");
        Fixtures.Device.rememberSecrets(rotated.json());
        String requestId = Fixtures.unique("confirm").replace(':', '-');
        HttpResponse<String> confirmed = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/devices/"
                        + device.endpoint() + "/credentials/" + rotated.json().get("id").asLong() + "/confirm"))
                .header("Authorization", "Bearer " + server.adminKey()).header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        assertThat(TestOutput.captured().lines().filter(line -> line.contains("[" + requestId + "]")))
                .anyMatch(line -> line.contains("is now active"));
    }

    @Test
    void everyListPagesWithACursorAndTheNextLink() {
        for (int i = 0; i < 3; i++) {
            Fixtures.device(server, dm);
            Fixtures.deviceWith(server, "X509", dm);
            Fixtures.server(server, "coaps://pages.example", 30 + i, 60, "U", "PSK", true);
            ApiKeys.create(server, "auditor", null);
        }
        for (String list : List.of("/api/v1/servers", "/api/v1/devices", "/api/v1/certificates", "/api/v1/api-keys",
                "/api/v1/profiles", "/api/v1/manufacturer-cas")) {
            List<JsonNode> whole = Http.walk(server, list + "?limit=1000");
            List<JsonNode> paged = Http.walk(server, list + "?limit=2");
            assertThat(paged).as(list).isEqualTo(whole);
        }
        HttpResponse<String> first = Http.get(server, "/api/v1/servers?limit=1");
        assertThat(Http.next(first)).hasValueSatisfying(next -> assertThat(next).contains("limit=1").contains("cursor="));
        assertThat(TestServer.JSON.readTree(first.body())).hasSize(1);
    }

    @Test
    void aDevicesSessionsPageNewestFirst() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
            for (int i = 0; i < 3; i++) {
                // A name that is not the device's: refused, and recorded as one of its sessions.
                raw.bootstrapRequest(server.coaps(), true, "ep=urn:dev:ops:not-me-" + i);
            }
        }
        String sessions = "/api/v1/devices/" + device.endpoint() + "/sessions";
        List<JsonNode> whole = Http.walk(server, sessions + "?limit=1000");
        assertThat(whole).hasSize(3);
        assertThat(whole.stream().map(s -> s.get("startedAt").asString()).toList())
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(Http.walk(server, sessions + "?limit=1")).isEqualTo(whole);
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=1001", "limit=abc", "cursor=%25%25"})
    void aBadPageRequestIs400NamingTheParameter(String query) {
        HttpResponse<String> response = Http.get(server, "/api/v1/devices?" + query);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(assertProblem(response, 400).get("errors").get(0).get("field").asString()).isEqualTo(query.split("=")[0]);
    }

    private static HttpRequest.Builder post(String path, String contentType, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Authorization", "Bearer " + server.adminKey())
                .header("Content-Type", contentType).POST(body);
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.headers().firstValue("Content-Type").orElse("")).as(response.body())
                .startsWith("application/problem+json");
        JsonNode problem = TestServer.JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("requestId").asString()).isNotBlank();
        return problem;
    }
}
