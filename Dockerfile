# syntax=docker/dockerfile:1
#
# Container image of the LwM2M provisioning server (see docs/operations.md).
#
#   docker build -t lwm2m-provisioning-server .
#   docker run --read-only --tmpfs /tmp:exec -v provisioning-data:/data \
#     -p 5683:5683/udp -p 5684:5684/udp -p 8080:8080 -p 8081:8081 -p 8443:8443 lwm2m-provisioning-server
#
# Runs as UID/GID 10001 with a read-only root filesystem: only /tmp (java.io.tmpdir, HOME, the
# unpacked embedded PostgreSQL binaries and Conscrypt's library, hence `exec`) and /data
# (PROVISIONING_DATA_DIR) are written. Arguments after the image name are passed to the server,
# e.g. --provisioning.migrate-only=true.

ARG BUILD_IMAGE=eclipse-temurin:17-jdk
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

# --- build: the whole Maven reactor with the wrapper; tests run in CI, not here ----------------------
FROM ${BUILD_IMAGE} AS build
WORKDIR /build
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -Dmaven.test.skip=true package \
 && cp target/provisioning-server.jar app.jar \
 && java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

# --- runtime ------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}
RUN groupadd --system --gid 10001 provisioning \
 && useradd --system --uid 10001 --gid 10001 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin provisioning \
 && mkdir /data \
 && chown 10001:10001 /data \
 && chmod 0700 /data
WORKDIR /app
# One image layer per Spring Boot layer, least often changing first. The files stay root-owned and
# read-only for the server.
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./
ENV HOME=/tmp \
    PROVISIONING_DATA_DIR=/data \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75.0 -XX:InitialRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
USER 10001:10001
VOLUME ["/data"]
# CoAP, CoAP over DTLS, HTTP API, management (actuator: health probes, Prometheus), EST over HTTPS, and the
# cluster port (only with provisioning.cluster.enabled). DockerfileTest keeps this list complete.
EXPOSE 5683/udp 5684/udp 8080/tcp 8081/tcp 8443/tcp 5784/udp
# SIGTERM: no new Bootstrap-Requests (5.03), running sessions finish (up to 20 s), then the JVM exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
