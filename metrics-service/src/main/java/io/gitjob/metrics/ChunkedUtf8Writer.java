package io.gitjob.metrics;

import java.io.IOException;
import java.io.Writer;

import io.vertx.core.buffer.Buffer;

/**
 * A {@link Writer} that hands its text on as UTF-8 in chunks of a fixed size, so a scrape of 30 MB is never held
 * whole, neither as a String nor as bytes. The bytes are exactly {@code String.getBytes(UTF_8)}'s for the same
 * text (what Quarkus' own handler sent), including its {@code '?'} for a surrogate without its pair, even when a
 * pair is split across two writes. Not thread-safe: one scrape, one writer.
 */
public final class ChunkedUtf8Writer extends Writer {

    /** Where each full chunk goes; may block (back-pressure) or fail (the client went away). */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(Buffer chunk) throws IOException;
    }

    /** Large enough that the per-chunk cost (a write, a chunk header) is noise, small enough to cost nothing held. */
    public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;

    /** The longest UTF-8 encoding of one code point: a chunk is sent once fewer bytes than this are left. */
    private static final int MAX_BYTES_PER_CODE_POINT = 4;

    private final ChunkSink sink;
    // Encoded into this one array, copied once into each chunk's buffer: the chunks are the only allocation.
    private final byte[] pending;
    private int filled;
    private char highSurrogate;
    private long bytesWritten;

    public ChunkedUtf8Writer(ChunkSink sink) {
        this(sink, DEFAULT_CHUNK_SIZE);
    }

    public ChunkedUtf8Writer(ChunkSink sink, int chunkSize) {
        if (chunkSize < MAX_BYTES_PER_CODE_POINT) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " < " + MAX_BYTES_PER_CODE_POINT);
        }
        this.sink = sink;
        this.pending = new byte[chunkSize];
    }

    @Override
    public void write(int c) throws IOException {
        put((char) c);
    }

    @Override
    public void write(char[] chars, int off, int len) throws IOException {
        for (int i = off, end = off + len; i < end; i++) {
            put(chars[i]);
        }
    }

    @Override
    public void write(String s, int off, int len) throws IOException {
        for (int i = off, end = off + len; i < end; i++) {
            put(s.charAt(i));
        }
    }

    @Override
    public Writer append(CharSequence s) throws IOException {
        CharSequence text = s == null ? "null" : s;
        for (int i = 0, end = text.length(); i < end; i++) {
            put(text.charAt(i));
        }
        return this;
    }

    /** Sends what is left (a lone high surrogate at the very end becomes {@code '?'}, as in String's encoder). */
    public void finish() throws IOException {
        if (highSurrogate != 0) {
            highSurrogate = 0;
            pending[filled++] = '?';
        }
        sendChunk();
    }

    /** Bytes handed to the sink so far. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Nothing is sent before {@link #finish()}: a partial chunk is not a reason to write. */
    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    private void put(char c) throws IOException {
        if (filled > pending.length - MAX_BYTES_PER_CODE_POINT) {
            sendChunk();
        }
        byte[] b = pending;
        if (highSurrogate != 0) {
            char high = highSurrogate;
            highSurrogate = 0;
            if (Character.isLowSurrogate(c)) {
                int cp = Character.toCodePoint(high, c);
                b[filled++] = (byte) (0xF0 | (cp >> 18));
                b[filled++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[filled++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[filled++] = (byte) (0x80 | (cp & 0x3F));
                return;
            }
            b[filled++] = '?';
            if (filled > pending.length - MAX_BYTES_PER_CODE_POINT) {
                sendChunk();
            }
        }
        if (c < 0x80) {
            b[filled++] = (byte) c;
        } else if (c < 0x800) {
            b[filled++] = (byte) (0xC0 | (c >> 6));
            b[filled++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)) {
            highSurrogate = c;
        } else if (Character.isLowSurrogate(c)) {
            b[filled++] = '?';
        } else {
            b[filled++] = (byte) (0xE0 | (c >> 12));
            b[filled++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            b[filled++] = (byte) (0x80 | (c & 0x3F));
        }
    }

    private void sendChunk() throws IOException {
        if (filled == 0) {
            return;
        }
        Buffer chunk = Buffer.buffer(filled).appendBytes(pending, 0, filled);
        bytesWritten += filled;
        filled = 0;
        sink.accept(chunk);
    }
}
