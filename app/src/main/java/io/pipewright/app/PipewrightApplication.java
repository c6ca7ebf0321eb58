package io.pipewright.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication(scanBasePackages = "io.pipewright")
public class PipewrightApplication {

    public static void main(String[] args) {
        SpringApplication.run(PipewrightApplication.class, args);
    }
}
