package dev.turnpike;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class TurnpikeApplication {

    public static void main(String[] args) {
        SpringApplication.run(TurnpikeApplication.class, args);
    }
}
