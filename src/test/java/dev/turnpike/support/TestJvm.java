package dev.turnpike.support;

import dev.turnpike.IoUringPolls;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Sets the test JVM up as each gateway start sets up its own, once and before any test runs: test backends and
 * clients load Netty's transports before the first gateway starts, and Netty reads its io_uring settings once.
 */
public final class TestJvm implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        IoUringPolls.singleShot();
    }
}
