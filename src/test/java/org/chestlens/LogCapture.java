package org.chestlens;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Holds back what one logger writes while a test provokes it, so that a failure the test expects is asserted
 * (the captured lines) rather than printed as an ERROR into a passing build's log.
 *
 * <pre>{@code
 * try (LogCapture sql = LogCapture.of("org.hibernate.engine.jdbc.spi.SqlExceptionHelper")) {
 *     ... provoke the duplicate key ...
 *     assertThat(sql.lines(Level.ERROR)).anyMatch(l -> l.contains("duplicate key"));
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final boolean additive;

    private LogCapture(Logger logger) {
        this.logger = logger;
        this.additive = logger.isAdditive();
        appender.start();
        logger.addAppender(appender);
        logger.setAdditive(false); // not on the console meanwhile
    }

    public static LogCapture of(String loggerName) {
        return new LogCapture((Logger) LoggerFactory.getLogger(loggerName));
    }

    public static LogCapture of(Class<?> type) {
        return of(type.getName());
    }

    /** The formatted messages logged at this level so far. */
    public List<String> lines(Level level) {
        return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Everything logged so far, at any level. */
    public List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setAdditive(additive);
        appender.stop();
    }
}
