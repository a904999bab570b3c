# Builds and runs the permwatch poller. Build context: the repository root.
#   docker build -f docker/poller.Dockerfile -t permwatch-poller .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY schemas schemas
COPY poller poller
COPY streams-app/pom.xml streams-app/pom.xml
COPY local-runner/pom.xml local-runner/pom.xml
RUN mvn -B -ntp -DskipTests -pl poller -am package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app permwatch
WORKDIR /app
COPY --from=build /src/poller/target/permwatch-poller.jar /app/permwatch-poller.jar
COPY --from=build /src/poller/target/lib /app/lib
# Avro 1.12 only instantiates classes from trusted packages; the generated records live in dev.permwatch.
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=java.lang,java.math,java.io,java.net,org.apache.avro.reflect,dev.permwatch"
USER permwatch
ENTRYPOINT ["java", "-jar", "/app/permwatch-poller.jar"]
CMD ["/etc/permwatch/poller.properties"]
