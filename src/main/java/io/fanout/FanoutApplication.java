package io.fanout;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point: {@code java -jar fanout.jar --fanout.config=fanout.yaml}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FanoutApplication {

    public static void main(String[] args) {
        ExitZeroOnSigterm.install(SpringApplication.run(FanoutApplication.class, args));
    }
}
