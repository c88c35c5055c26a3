package dev.turnpike;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventLoopCountTest {

    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(TurnpikeApplication.EVENT_LOOPS);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(TurnpikeApplication.EVENT_LOOPS);
        } else {
            System.setProperty(TurnpikeApplication.EVENT_LOOPS, saved);
        }
    }

    @Test
    void oneLoopPerCoreByDefault() {
        System.clearProperty(TurnpikeApplication.EVENT_LOOPS);
        TurnpikeApplication.oneEventLoopPerCore();
        assertThat(System.getProperty(TurnpikeApplication.EVENT_LOOPS))
                .isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void anOperatorsCountIsKept() {
        System.setProperty(TurnpikeApplication.EVENT_LOOPS, "7");
        TurnpikeApplication.oneEventLoopPerCore();
        assertThat(System.getProperty(TurnpikeApplication.EVENT_LOOPS)).isEqualTo("7");
    }
}
