package org.chestlens;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails the test during which anything was logged at ERROR, on any thread (a server thread answering the test's
 * request included): a passing build's log has no ERROR lines, so a newcomer reading it is not misled. A failure
 * a test provokes on purpose is held back and asserted with {@link LogCapture}. Registered for every test through
 * {@code META-INF/services} and {@code junit-platform.properties}. Something logged after a class's last test
 * (a server thread finishing late) fails that class.
 */
public final class NoErrorsLogged implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private static final Recorder RECORDER = new Recorder();

    static {
        RECORDER.setContext(root().getLoggerContext());
        follow();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** Records the root logger's events from now on (again, after Spring Boot reset logging). */
    private static void follow() {
        Logger root = root();
        if (!root.isAttached(RECORDER)) {
            attach(root);
            listenForResets(root.getLoggerContext());
        }
    }

    /**
     * Spring Boot resets logging when it starts a context, which detaches and stops every appender; it may also stop
     * the logging context, which drops every listener, so {@link #beforeEach} follows again after a context start.
     */
    private static void listenForResets(LoggerContext logging) {
        logging.addListener(new LoggerContextListener() {
            @Override
            public boolean isResetResistant() {
                return true;
            }

            @Override
            public void onReset(LoggerContext context) {
                attach(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
            }

            @Override
            public void onStart(LoggerContext context) {
            }

            @Override
            public void onStop(LoggerContext context) {
            }

            @Override
            public void onLevelChange(Logger logger, Level level) {
            }
        });
    }

    private static void attach(Logger root) {
        RECORDER.start();
        if (!root.isAttached(RECORDER)) {
            root.addAppender(RECORDER);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        follow();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check();
    }

    private static void check() {
        List<String> errors = RECORDER.drain();
        if (!errors.isEmpty()) {
            throw new AssertionError(errors.size() + " line(s) logged at ERROR; assert an expected failure with "
                    + "LogCapture instead. First: " + errors.get(0));
        }
    }

    private static final class Recorder extends AppenderBase<ILoggingEvent> {

        private final List<String> errors = new ArrayList<>();

        @Override
        protected synchronized void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                IThrowableProxy thrown = event.getThrowableProxy();
                errors.add("[" + event.getThreadName() + "] " + event.getLoggerName() + ": " + event.getFormattedMessage()
                        + (thrown == null ? "" : " (" + thrown.getClassName() + ": " + thrown.getMessage() + ")"));
            }
        }

        synchronized List<String> drain() {
            List<String> drained = List.copyOf(errors);
            errors.clear();
            return drained;
        }
    }
}
