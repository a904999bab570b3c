# Builds and runs the permwatch streams app. Build context: the repository root.
#   docker build -f docker/streams-app.Dockerfile -t permwatch-streams-app .
# Kafka Streams keeps its RocksDB state in /var/lib/permwatch/streams (mount a volume there). The
# rest of the root file system can be read-only with a tmpfs on /tmp, where RocksDB unpacks its
# native library.
# Java 17 JRE on Ubuntu 24.04. Pin a digest (eclipse-temurin:17-jre-noble@sha256:...) in production,
# so a rebuild cannot change the runtime; no tag could be checked where this file was written.
ARG JRE_IMAGE=eclipse-temurin:17-jre-noble

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY schemas schemas
COPY streams-app streams-app
COPY poller/pom.xml poller/pom.xml
COPY local-runner/pom.xml local-runner/pom.xml
RUN mvn -B -ntp -DskipTests -pl streams-app -am package

FROM ${JRE_IMAGE}
# Fixed ids, so volume ownership and Kubernetes runAsUser/fsGroup settings can rely on them.
RUN groupadd --system --gid 10001 permwatch \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home permwatch \
    && mkdir -p /var/lib/permwatch/streams \
    && chown -R 10001:10001 /var/lib/permwatch
WORKDIR /app
COPY --from=build /src/streams-app/target/permwatch-streams-app.jar /app/permwatch-streams-app.jar
COPY --from=build /src/streams-app/target/lib /app/lib
COPY docker/healthcheck.sh /app/healthcheck.sh
# Avro 1.12 only instantiates classes from trusted packages; the generated records live in dev.permwatch.
# Add JVM options here (JAVA_TOOL_OPTIONS is read by the JVM itself), keeping this property.
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=java.lang,java.math,java.io,java.net,org.apache.avro.reflect,dev.permwatch"
USER 10001:10001
VOLUME /var/lib/permwatch/streams
# Readiness endpoint of the streams app: the default permwatch.ops.port. Change it here and in
# compose.yaml together with that key.
EXPOSE 9401
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=4 CMD ["/app/healthcheck.sh", "9401", "/health/ready"]
# Exec form, so java is PID 1 and receives SIGTERM: Kafka Streams then closes cleanly and writes its
# checkpoint, so the next start does not restore the state stores from the changelog. The heap takes
# half of the memory limit because RocksDB allocates outside the heap.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/permwatch-streams-app.jar"]
CMD ["/etc/permwatch/streams.properties"]
