package io.fanout;

import io.fanout.tooling.ToolCommands;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Entry point: {@code java -jar fanout.jar --fanout.config=fanout.yaml}; {@code check FILE...} and {@code schema}
 * run a tool instead, without a Spring context ({@link ToolCommands}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FanoutApplication {

    public static void main(String[] args) {
        if (ToolCommands.isCommand(args)) {
            System.exit(ToolCommands.run(args, System.out, System.err));
            return;
        }
        ExitZeroOnSigterm.install(SpringApplication.run(FanoutApplication.class, args));
    }
}
