# Builds and runs the permwatch poller. Build context: the repository root.
#   docker build -f docker/poller.Dockerfile -t permwatch-poller .
# The poller keeps no local state: the root file system can be read-only with a tmpfs on /tmp.
# Java 17 JRE on Ubuntu 24.04. Pin a digest (eclipse-temurin:17-jre-noble@sha256:...) in production,
# so a rebuild cannot change the runtime; no tag could be checked where this file was written.
ARG JRE_IMAGE=eclipse-temurin:17-jre-noble

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY schemas schemas
COPY poller poller
COPY streams-app/pom.xml streams-app/pom.xml
COPY local-runner/pom.xml local-runner/pom.xml
RUN mvn -B -ntp -DskipTests -pl poller -am package

FROM ${JRE_IMAGE}
# Fixed ids, so volume ownership and Kubernetes runAsUser/fsGroup settings can rely on them.
RUN groupadd --system --gid 10001 permwatch \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home permwatch
WORKDIR /app
COPY --from=build /src/poller/target/permwatch-poller.jar /app/permwatch-poller.jar
COPY --from=build /src/poller/target/lib /app/lib
COPY docker/healthcheck.sh /app/healthcheck.sh
# Avro 1.12 only instantiates classes from trusted packages; the generated records live in dev.permwatch.
# Add JVM options here (JAVA_TOOL_OPTIONS is read by the JVM itself), keeping this property.
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=java.lang,java.math,java.io,java.net,org.apache.avro.reflect,dev.permwatch"
USER 10001:10001
# Readiness endpoint of the poller: the default permwatch.ops.port. Change it here and in
# compose.yaml together with that key.
EXPOSE 9400
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=4 CMD ["/app/healthcheck.sh", "9400", "/health/ready"]
# Exec form, so java is PID 1 and receives SIGTERM for a graceful shutdown. The heap is sized from
# the container's memory limit; an OutOfMemoryError ends the JVM so the restart policy restarts it.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/permwatch-poller.jar"]
CMD ["/etc/permwatch/poller.properties"]
