package io.fanout.demo;

import io.fanout.FanoutApplication;
import java.util.Arrays;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;

/**
 * The demo: the five demo services plus Fanout with {@code examples/demo.yaml}, no database, no Docker.
 * Run with {@code ./mvnw spring-boot:test-run}.
 */
public final class DemoApplication {

    private DemoApplication() {}

    public static void main(String[] args) {
        DemoUpstreams upstreams = new DemoUpstreams().start();
        Runtime.getRuntime().addShutdownHook(new Thread(upstreams::close));
        String[] all = Stream.concat(Stream.of("--fanout.config=examples/demo.yaml"), Arrays.stream(args))
                .toArray(String[]::new);
        SpringApplication.run(FanoutApplication.class, all);
    }
}
