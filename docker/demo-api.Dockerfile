# Serves the bundled demo series in place of the Cloudflare API (`permwatch serve-demo`), for the
# compose `demo` profile. Build context: the repository root.
#   docker build -f docker/demo-api.Dockerfile -t permwatch-demo-api .
# The server listens on 127.0.0.1 only: run the poller in this container's network namespace.
# Java 17 JRE on Ubuntu 24.04. Pin a digest (eclipse-temurin:17-jre-noble@sha256:...) in production,
# so a rebuild cannot change the runtime; no tag could be checked where this file was written.
ARG JRE_IMAGE=eclipse-temurin:17-jre-noble

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY schemas schemas
COPY poller poller
COPY streams-app streams-app
COPY local-runner local-runner
RUN mvn -B -ntp -DskipTests -pl local-runner -am package

FROM ${JRE_IMAGE}
RUN groupadd --system --gid 10001 permwatch \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home permwatch \
    && mkdir -p /var/lib/permwatch/demo \
    && chown -R 10001:10001 /var/lib/permwatch
WORKDIR /app
COPY --from=build /src/local-runner/target/permwatch-local-runner.jar /app/permwatch-local-runner.jar
COPY --from=build /src/local-runner/target/lib /app/lib
USER 10001:10001
# The series position is stored here, so a restarted container continues the series.
VOLUME /var/lib/permwatch/demo
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-jar", "/app/permwatch-local-runner.jar", "serve-demo"]
CMD ["--port", "9480", "--data-dir", "/var/lib/permwatch/demo"]
