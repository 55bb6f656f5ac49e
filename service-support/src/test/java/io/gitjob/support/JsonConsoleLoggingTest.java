package io.gitjob.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.logging.Handler;
import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.handlers.AsyncHandler;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.Test;

import jakarta.json.Json;
import jakarta.json.JsonObject;

class JsonConsoleLoggingTest {

    @Test
    void consoleHandlersWrappedInOthersWriteOneJsonObjectPerLine() {
        ConsoleHandler console = new ConsoleHandler();
        AsyncHandler async = new AsyncHandler();
        async.addHandler(console);

        assertEquals(1, JsonConsoleLogging.useJson(new Handler[] { async }));

        ExtLogRecord record = new ExtLogRecord(Level.WARNING, "Malformed record \"x\" sent to dead letters",
                JsonConsoleLoggingTest.class.getName());
        record.setLoggerName("io.gitjob.support.EventIntake");
        String line = console.getFormatter().format(record);
        assertEquals(1, line.strip().lines().count(), line);
        JsonObject json = Json.createReader(new StringReader(line)).readObject();
        assertEquals("WARNING", json.getString("level"));
        assertEquals("io.gitjob.support.EventIntake", json.getString("loggerName"));
        assertEquals("Malformed record \"x\" sent to dead letters", json.getString("message"));
        assertTrue(json.containsKey("timestamp"), line);
    }
}
