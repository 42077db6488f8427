# Fanout and the demo upstreams, built from this repository (used by docker-compose.yml).
#   docker build --target fanout -t fanout .
#   docker build --target demo-upstreams -t fanout-demo-upstreams .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline || true
COPY src src
COPY examples examples
# tests need PostgreSQL and run in CI (.ci/run), not in the image build; test classes are still compiled
# because the demo upstreams live in the test sources
RUN ./mvnw -B -ntp -DskipTests package \
 && ./mvnw -B -ntp -q dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/demo-lib \
 && cp target/fanout-*.jar target/fanout.jar

FROM eclipse-temurin:17-jre AS demo-upstreams
WORKDIR /app
COPY --from=build /src/target/classes classes
COPY --from=build /src/target/test-classes test-classes
COPY --from=build /src/target/demo-lib lib
EXPOSE 18181 18182 18183 18184 18185
ENTRYPOINT ["java", "-cp", "test-classes:classes:lib/*", "io.fanout.demo.DemoUpstreamsMain", "0.0.0.0"]

FROM eclipse-temurin:17-jre AS fanout
WORKDIR /app
RUN useradd --system --uid 10001 fanout
COPY --from=build /src/target/fanout.jar fanout.jar
COPY examples examples
USER fanout
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/fanout.jar"]
