package io.gitjob.support;

import java.util.logging.Handler;
import java.util.logging.Logger;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.formatters.JsonFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

import io.quarkus.runtime.StartupEvent;

/**
 * Structured logs: with {@code gitjob.log.json=true} every console line is one JSON object (timestamp,
 * level, loggerName, message, threadName, mdc, exception), ready for a log pipeline. Done here with JBoss
 * LogManager's own formatter because quarkus-logging-json cannot be resolved from the package mirror.
 * Lines written before start-up completes stay plain text.
 */
@ApplicationScoped
public class JsonConsoleLogging {

    @ConfigProperty(name = "gitjob.log.json", defaultValue = "true")
    boolean json;

    void onStart(@Observes @Priority(1) StartupEvent event) {
        if (json) {
            useJson(Logger.getLogger("").getHandlers());
        }
    }

    /** Gives every console handler among {@code handlers} (and the handlers they wrap) the JSON formatter. */
    static int useJson(Handler[] handlers) {
        int changed = 0;
        for (Handler handler : handlers) {
            if (handler instanceof ConsoleHandler) {
                handler.setFormatter(new JsonFormatter());
                changed++;
            }
            if (handler instanceof ExtHandler ext) {
                changed += useJson(ext.getHandlers());
            }
        }
        return changed;
    }
}
