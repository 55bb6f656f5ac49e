package io.gitjob.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The chunks, joined, are String's own UTF-8 encoding of the text, however the text is split into writes. */
class ChunkedUtf8WriterTest {

    /** ASCII, 2- and 3-byte characters, a surrogate pair, and both halves of one alone. */
    private static final char[] ALPHABET = { 'a', '{', '"', '\n', 'é', 'ß', '€', '中', '\uD83D', '\uDE00' };

    @Test
    void joinedChunksAreStringsUtf8BytesForAnyTextAndAnySplit() throws IOException {
        Random random = new Random(18);
        for (int round = 0; round < 500; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(300); i > 0; i--) {
                if (random.nextInt(4) == 0) {
                    text.append("\uD83D\uDE00"); // a proper pair, often split across writes below
                } else {
                    text.append(ALPHABET[random.nextInt(ALPHABET.length)]);
                }
            }
            int chunkSize = 4 + random.nextInt(40);
            List<byte[]> chunks = new ArrayList<>();
            ChunkedUtf8Writer writer = new ChunkedUtf8Writer(chunk -> chunks.add(chunk.getBytes()), chunkSize);
            String s = text.toString();
            for (int at = 0; at < s.length();) {
                int len = Math.min(s.length() - at, 1 + random.nextInt(7));
                switch (random.nextInt(4)) {
                    case 0 -> writer.write(s, at, len);
                    case 1 -> writer.write(s.toCharArray(), at, len);
                    case 2 -> writer.append(s.subSequence(at, at + len));
                    default -> {
                        len = 1;
                        writer.write(s.charAt(at));
                    }
                }
                at += len;
            }
            writer.finish();

            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (byte[] chunk : chunks) {
                assertTrue(chunk.length > 0 && chunk.length <= chunkSize, "a chunk is never empty nor above its size");
                joined.write(chunk);
            }
            byte[] expected = s.getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(expected, joined.toByteArray(), "text " + s.chars().mapToObj(Integer::toHexString).toList());
            assertEquals(expected.length, writer.bytesWritten());
        }
    }

    @Test
    void nothingIsSentUntilAChunkIsFullOrTheTextEnds() throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        ChunkedUtf8Writer writer = new ChunkedUtf8Writer(chunk -> chunks.add(chunk.getBytes()), 16);
        writer.write("short");
        writer.flush();
        assertEquals(0, chunks.size());
        writer.finish();
        assertArrayEquals("short".getBytes(StandardCharsets.UTF_8), chunks.get(0));
    }
}
