package io.gitjob.replay;

import java.io.IOException;
import java.io.Writer;

import io.gitjob.events.UrlCredentials;

/**
 * What the tool prints, line by line, with every URL's credentials removed: records written before gitjob redacted
 * URLs (or by anything else) may carry a token in {@code repo}, an error message or a dead letter's value, and the
 * output of a debugging tool ends up in tickets and chats. A line is held until it ends (or the output is flushed),
 * so a URL printed in pieces is still seen whole.
 */
final class RedactingWriter extends Writer {

    private final Writer out;
    private final StringBuilder line = new StringBuilder();

    RedactingWriter(Writer out) {
        this.out = out;
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            line.append(chars[i]);
            if (chars[i] == '\n') {
                emit();
            }
        }
    }

    @Override
    public void flush() throws IOException {
        emit();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }

    private void emit() throws IOException {
        if (!line.isEmpty()) {
            out.write(UrlCredentials.redact(line.toString()));
            line.setLength(0);
        }
    }
}
