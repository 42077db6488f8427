package io.fanout.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fanout.compile.ConfigPipeline;
import io.fanout.plan.CompiledConfig;
import io.fanout.testsupport.FanoutIntegrationTests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.springframework.boot.convert.DurationStyle;

/**
 * {@code deploy/k8s} rendered with {@code kubectl kustomize} and checked against the application's real settings:
 * the probes hit endpoints that answer here (this running instance), the container port is {@code server.port},
 * the grace period outlasts preStop plus the shutdown phases of {@code application.yml}, the config the
 * ConfigMap mounts is where {@code FANOUT_CONFIG} points and compiles, the user is the image's, the root
 * filesystem is read-only with a writable {@code /tmp}, and the database overlay adds Boot's R2DBC properties from
 * a Secret. Without {@code kubectl} the test fails and says how to install it (never skipped).
 */
class KubernetesManifestsTests extends FanoutIntegrationTests {

    private static final Path BASE = Path.of("deploy", "k8s");
    private static final Path DATABASE_OVERLAY = BASE.resolve("overlays").resolve("database");

    @Test
    void shouldProbeEndpointsThatAnswerOnTheApplicationsPort() {
        Map<String, Object> container = container(render(BASE));
        Map<String, Object> settings = applicationYml();

        List<Object> ports = list(container.get("ports"));
        assertThat(ports).hasSize(1);
        assertThat(map(ports.get(0)))
                .containsEntry("name", "http")
                .containsEntry("containerPort", at(settings, "server", "port"));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> httpGet = map(map(container.get(probe)).get("httpGet"));
            assertThat(httpGet.get("port")).as(probe + " port").isEqualTo("http");
            String path = (String) httpGet.get("path");
            client.get()
                    .uri(path)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.status")
                    .isEqualTo("UP");
        }
        assertThat(map(map(container.get("livenessProbe")).get("httpGet")).get("path"))
                .isEqualTo("/actuator/health/liveness");
        assertThat(map(map(container.get("readinessProbe")).get("httpGet")).get("path"))
                .isEqualTo("/actuator/health/readiness");
        Map<String, Object> groups = map(at(settings, "management", "endpoint", "health", "group"));
        assertThat(groups).containsKeys("liveness", "readiness");
    }

    @Test
    void shouldOutlastPreStopAndEveryShutdownPhaseBeforeKubernetesKills() {
        Map<String, Object> pod = podSpec(render(BASE));
        Map<String, Object> container = container(render(BASE));
        Map<String, Object> settings = applicationYml();

        List<Object> preStop =
                list(map(map(map(container.get("lifecycle")).get("preStop")).get("exec"))
                        .get("command"));
        assertThat(preStop.get(0)).isEqualTo("sleep");
        long preStopSeconds = Long.parseLong(preStop.get(1).toString());
        long phaseSeconds = DurationStyle.detectAndParse(
                        at(settings, "spring", "lifecycle", "timeout-per-shutdown-phase")
                                .toString())
                .toSeconds();
        assertThat(at(settings, "server", "shutdown")).isEqualTo("graceful");
        // the web server's graceful phase, then the phase of the job workers and the config listener
        assertThat(((Number) pod.get("terminationGracePeriodSeconds")).longValue())
                .isGreaterThan(preStopSeconds + 2 * phaseSeconds);
    }

    @Test
    void shouldRunAsTheImagesNonRootUserOnAReadOnlyRootWithAWritableTmp() throws IOException {
        Map<String, Object> pod = podSpec(render(BASE));
        Map<String, Object> container = container(render(BASE));

        Matcher user = Pattern.compile("(?m)^USER (\\d+)").matcher(Files.readString(Path.of("Dockerfile")));
        assertThat(user.find()).as("numeric USER in the Dockerfile").isTrue();
        Map<String, Object> podSecurity = map(pod.get("securityContext"));
        assertThat(podSecurity)
                .containsEntry("runAsNonRoot", true)
                .containsEntry("runAsUser", Integer.parseInt(user.group(1)));
        Map<String, Object> security = map(container.get("securityContext"));
        assertThat(security)
                .containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(list(container.get("volumeMounts")))
                .anySatisfy(mount -> assertThat(map(mount))
                        .containsEntry("mountPath", "/tmp")
                        .containsEntry("name", "tmp"));
        assertThat(list(pod.get("volumes")))
                .anySatisfy(volume ->
                        assertThat(map(volume)).containsEntry("name", "tmp").containsKey("emptyDir"));
        Map<String, Object> resources = map(container.get("resources"));
        assertThat(map(resources.get("requests"))).containsKeys("cpu", "memory");
        assertThat(map(resources.get("limits"))).containsKey("memory");
    }

    @Test
    void shouldMountAConfigThatCompilesWhereFanoutConfigPoints() {
        List<Map<String, Object>> objects = render(BASE);
        Map<String, Object> container = container(objects);
        Map<String, Object> pod = podSpec(objects);

        String configPath = env(container, "FANOUT_CONFIG");
        Map<String, Object> mount = list(container.get("volumeMounts")).stream()
                .map(KubernetesManifestsTests::map)
                .filter(m -> configPath.startsWith(m.get("mountPath") + "/"))
                .findFirst()
                .orElseThrow();
        Map<String, Object> volume = list(pod.get("volumes")).stream()
                .map(KubernetesManifestsTests::map)
                .filter(v -> v.get("name").equals(mount.get("name")))
                .findFirst()
                .orElseThrow();
        String configMapName = (String) map(volume.get("configMap")).get("name");
        Map<String, Object> configMap = objects.stream()
                .filter(o -> "ConfigMap".equals(o.get("kind"))
                        && configMapName.equals(map(o.get("metadata")).get("name")))
                .findFirst()
                .orElseThrow();
        String key = configPath.substring(((String) mount.get("mountPath")).length() + 1);
        String yaml = (String) map(configMap.get("data")).get(key);
        assertThat(yaml).as("ConfigMap key " + key).isNotBlank();

        try (CompiledConfig compiled = pipeline.load(ConfigPipeline.read(yaml), 1, null)) {
            assertThat(compiled.endpoints()).isNotEmpty();
        }
        assertThat(secretRef(container, "FANOUT_ADMIN_TOKEN"))
                .containsEntry("name", "fanout-tokens")
                .containsEntry("optional", true);
        assertThat(secretRef(container, "FANOUT_JOBS_TOKEN")).containsEntry("name", "fanout-tokens");
    }

    @Test
    void shouldSelectTheDeploymentsPodsFromServicePdbAndAutoscaler() {
        List<Map<String, Object>> objects = render(BASE);
        Map<String, Object> labels = map(
                map(map(map(deployment(objects).get("spec")).get("template")).get("metadata"))
                        .get("labels"));

        assertThat(objects)
                .extracting(o -> o.get("kind"))
                .contains("Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "HorizontalPodAutoscaler");
        Map<String, Object> service = spec(objects, "Service");
        assertThat(labels).containsAllEntriesOf(map(service.get("selector")));
        assertThat(map(list(service.get("ports")).get(0))).containsEntry("targetPort", "http");
        assertThat(labels)
                .containsAllEntriesOf(
                        map(map(spec(objects, "PodDisruptionBudget").get("selector"))
                                .get("matchLabels")));
        Map<String, Object> hpa = spec(objects, "HorizontalPodAutoscaler");
        assertThat(map(hpa.get("scaleTargetRef")))
                .containsEntry("kind", "Deployment")
                .containsEntry("name", map(deployment(objects).get("metadata")).get("name"));
        assertThat(((Number) hpa.get("minReplicas")).intValue()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldAddBootsR2dbcPropertiesFromASecretInTheDatabaseOverlay() {
        Map<String, Object> container = container(render(DATABASE_OVERLAY));

        for (String name : List.of("SPRING_R2DBC_URL", "SPRING_R2DBC_USERNAME", "SPRING_R2DBC_PASSWORD")) {
            assertThat(secretRef(container, name))
                    .containsEntry("name", "fanout-database")
                    .doesNotContainKey("optional");
        }
        assertThat(env(container, "FANOUT_CONFIG"))
                .as("the base's settings are kept")
                .isNotBlank();
        assertThat(map(container.get("readinessProbe"))).isNotEmpty();
    }

    // --- rendering and reading

    private static List<Map<String, Object>> render(Path directory) {
        List<String> command = List.of("kubectl", "kustomize", directory.toString());
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return fail("kubectl is needed to render deploy/k8s: install it (Debian: apt-get install "
                    + "kubernetes-client; .ci/run does) — " + e.getMessage());
        }
        try (InputStream out = process.getInputStream()) {
            String yaml = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS))
                    .isTrue();
            assertThat(process.exitValue()).as("kubectl kustomize " + directory).isZero();
            List<Map<String, Object>> objects = new ArrayList<>();
            new Load(LoadSettings.builder().build()).loadAllFromString(yaml).forEach(o -> objects.add(map(o)));
            return objects;
        } catch (IOException e) {
            return fail("reading kubectl's output: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    private static Map<String, Object> applicationYml() {
        try (InputStream in = KubernetesManifestsTests.class.getResourceAsStream("/application.yml")) {
            return map(new Load(LoadSettings.builder().build()).loadFromInputStream(in));
        } catch (IOException e) {
            return fail(e.getMessage());
        }
    }

    private static Object at(Map<String, Object> root, String... keys) {
        Object current = root;
        for (String key : keys) {
            current = map(current).get(key);
            assertThat(current).as("application.yml " + String.join(".", keys)).isNotNull();
        }
        return current;
    }

    private static Map<String, Object> deployment(List<Map<String, Object>> objects) {
        return objects.stream()
                .filter(o -> "Deployment".equals(o.get("kind")))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, Object> spec(List<Map<String, Object>> objects, String kind) {
        return map(objects.stream()
                .filter(o -> kind.equals(o.get("kind")))
                .findFirst()
                .orElseThrow()
                .get("spec"));
    }

    private static Map<String, Object> podSpec(List<Map<String, Object>> objects) {
        return map(map(map(deployment(objects).get("spec")).get("template")).get("spec"));
    }

    private static Map<String, Object> container(List<Map<String, Object>> objects) {
        List<Object> containers = list(podSpec(objects).get("containers"));
        assertThat(containers).hasSize(1);
        return map(containers.get(0));
    }

    private static Map<String, Object> envEntry(Map<String, Object> container, String name) {
        return list(container.get("env")).stream()
                .map(KubernetesManifestsTests::map)
                .filter(e -> name.equals(e.get("name")))
                .findFirst()
                .orElseGet(() -> fail("no env " + name + " in the container"));
    }

    private static String env(Map<String, Object> container, String name) {
        return (String) envEntry(container, name).get("value");
    }

    private static Map<String, Object> secretRef(Map<String, Object> container, String name) {
        return map(map(envEntry(container, name).get("valueFrom")).get("secretKeyRef"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }
}
