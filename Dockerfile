# Fanout and the demo upstreams, built from this repository (used by docker-compose.yml).
#   docker build --target fanout -t fanout:local .
#   docker build --target demo-upstreams -t fanout-demo-upstreams:local .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
# Dependencies in a layer of their own, so a source change does not download them again. No `|| true`: a failed
# download must fail here, where the log says which artifact, not later inside `package`.
RUN ./mvnw -B -ntp -q dependency:go-offline
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
# a fixed numeric uid/gid: Kubernetes' runAsNonRoot can only check a numeric USER (deploy/k8s uses 10001)
RUN groupadd --system --gid 10001 fanout && useradd --system --uid 10001 --gid 10001 fanout
COPY --from=build /src/target/fanout.jar fanout.jar
COPY examples examples
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/fanout.jar"]
