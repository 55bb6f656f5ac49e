package io.gitjob.bench.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Used heap of a running JVM after a full collection, through the JDK's {@code jcmd}: {@code GC.run}, then
 * {@code GC.heap_info}, whose generations each print {@code used NNNK}. The sum is the live data the process
 * holds, without the garbage that happens to be there at that moment.
 * <p>
 * Four times, keeping the least: the services run the serial collector, whose full collection leaves dead objects
 * in place (filled with {@code int[]}) up to {@code MarkSweepDeadRatio}, 5 % of the old generation's capacity
 * (about 8 MiB of a 256 MiB heap), except every {@code MarkSweepAlwaysCompactCount}th (4th) one, which compacts
 * all. One collection measured up to 9 KB per GitRepo at 1,000 GitRepos that was not there: the {@code int[]}
 * that led the class histograms of earlier runs.
 */
final class HeapProbe {

    private static final Pattern USED = Pattern.compile("^\\s*(?:def new generation|tenured generation|"
            + "PSYoungGen|ParOldGen|garbage-first heap)\\b.*?\\bused (\\d+)K", Pattern.MULTILINE);

    private HeapProbe() {
    }

    /** Live heap in bytes of process {@code pid}. */
    static long liveHeapBytes(long pid) throws IOException, InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            jcmd(pid, "GC.run");
            String info = jcmd(pid, "GC.heap_info");
            least = Math.min(least, parseUsed(info)
                    .orElseThrow(() -> new IOException("cannot read the heap of " + pid + ":\n" + info)));
        }
        return least;
    }

    static Optional<Long> parseUsed(String heapInfo) {
        Matcher m = USED.matcher(heapInfo);
        long kib = 0;
        boolean found = false;
        while (m.find()) {
            kib += Long.parseLong(m.group(1));
            found = true;
        }
        return found ? Optional.of(kib * 1024) : Optional.empty();
    }

    /** The pid of the child JVM of this process whose command line runs {@code jarPathPart}. */
    static Optional<Long> childRunning(String jarPathPart) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains(jarPathPart)).orElse(false))
                .map(ProcessHandle::pid).findFirst();
    }

    static String jcmd(long pid, String command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(List.of(jcmd, Long.toString(pid), command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }
}
