package io.fanout.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * springdoc brings Jackson 2 ({@code com.fasterxml.jackson.databind}) next to the Jackson 3 that WebFlux and Fanout
 * use; importing its {@code JsonNode} or {@code ObjectMapper} by mistake gives wrong JSON or 500s. Only the OpenAPI
 * package, which serializes swagger-core's models, may use it. ({@code com.fasterxml.jackson.annotation} is shared.)
 */
class JacksonTwoConfinedTests {

    private static final Pattern JACKSON_TWO = Pattern.compile(
            "^import (static )?com\\.fasterxml\\.jackson\\.(databind|core|dataformat|datatype)\\.", Pattern.MULTILINE);
    private static final Path ALLOWED = Path.of("src/main/java/io/fanout/tooling/openapi");

    @Test
    void shouldUseJacksonTwoOnlyInTheOpenApiPackage() throws IOException {
        List<Path> offenders;
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            offenders = sources.filter(p -> p.toString().endsWith(".java")).filter(p -> !p.startsWith(ALLOWED))
                    .filter(JacksonTwoConfinedTests::importsJacksonTwo).toList();
        }

        assertThat(offenders).as("use tools.jackson (Jackson 3, io.fanout.json.JsonCodec) instead").isEmpty();
    }

    private static boolean importsJacksonTwo(Path source) {
        try {
            return JACKSON_TWO.matcher(Files.readString(source)).find();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
