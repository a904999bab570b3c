# Builds and runs the permwatch streams app. Build context: the repository root.
#   docker build -f docker/streams-app.Dockerfile -t permwatch-streams-app .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY schemas schemas
COPY streams-app streams-app
COPY poller/pom.xml poller/pom.xml
COPY local-runner/pom.xml local-runner/pom.xml
RUN mvn -B -ntp -DskipTests -pl streams-app -am package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app permwatch
# Kafka Streams keeps its RocksDB state here; compose mounts a volume on it.
RUN mkdir -p /var/lib/permwatch/streams && chown -R permwatch /var/lib/permwatch
WORKDIR /app
COPY --from=build /src/streams-app/target/permwatch-streams-app.jar /app/permwatch-streams-app.jar
COPY --from=build /src/streams-app/target/lib /app/lib
# Avro 1.12 only instantiates classes from trusted packages; the generated records live in dev.permwatch.
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=java.lang,java.math,java.io,java.net,org.apache.avro.reflect,dev.permwatch"
USER permwatch
ENTRYPOINT ["java", "-jar", "/app/permwatch-streams-app.jar"]
CMD ["/etc/permwatch/streams.properties"]
