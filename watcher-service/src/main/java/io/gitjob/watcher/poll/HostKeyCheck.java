package io.gitjob.watcher.poll;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

import io.gitjob.watcher.poll.GitCredentials.CredentialsException;

/**
 * Checks an SSH server's host key against known_hosts data (OpenSSH format, hashed names included), as Fleet
 * does by default. A key not listed is refused, unless unknown keys are accepted explicitly
 * ({@code gitjob.watcher.insecure-skip-host-key-checks}), which is reported through {@code onAcceptedUnknown}.
 * A refusal is kept so the failed ls-remote can say why, instead of JGit's generic "did not validate".
 */
final class HostKeyCheck implements ServerKeyDatabase {

    private final List<KnownHostEntry> entries;
    private final String source;
    private final boolean acceptUnknown;
    private final Runnable onAcceptedUnknown;
    private volatile String refusal;

    private HostKeyCheck(List<KnownHostEntry> entries, String source, boolean acceptUnknown,
            Runnable onAcceptedUnknown) {
        this.entries = entries;
        this.source = source;
        this.acceptUnknown = acceptUnknown;
        this.onAcceptedUnknown = onAcceptedUnknown;
    }

    /**
     * @param knownHosts known_hosts data, null or blank for none
     * @param source where it comes from, for messages (e.g. {@code key known_hosts of Secret ns/name})
     */
    static HostKeyCheck of(String knownHosts, String source, boolean acceptUnknown, Runnable onAcceptedUnknown) {
        List<KnownHostEntry> entries = new ArrayList<>();
        if (knownHosts != null && !knownHosts.isBlank()) {
            try {
                entries.addAll(KnownHostEntry.readKnownHostEntries(new BufferedReader(new StringReader(knownHosts))));
            } catch (IOException | RuntimeException e) {
                throw new CredentialsException(source + " is not known_hosts data: " + e.getMessage());
            }
        }
        return new HostKeyCheck(List.copyOf(entries), source, acceptUnknown, onAcceptedUnknown);
    }

    @Override
    public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
        List<PublicKey> keys = new ArrayList<>();
        for (KnownHostEntry entry : matching(connectAddress, remoteAddress)) {
            if (entry.getMarker() == null) {
                key(entry).ifPresent(keys::add);
            }
        }
        return keys;
    }

    @Override
    public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
            Configuration config, CredentialsProvider provider) {
        boolean listed = false;
        for (KnownHostEntry entry : matching(connectAddress, remoteAddress)) {
            Optional<PublicKey> key = key(entry);
            if (key.isEmpty() || !KeyUtils.compareKeys(key.get(), serverKey)) {
                continue;
            }
            if ("revoked".equals(entry.getMarker())) {
                refusal = "the host key of " + connectAddress + " (" + describe(serverKey) + ") is marked "
                        + "@revoked in " + source;
                return false;
            }
            listed |= entry.getMarker() == null;
        }
        if (listed) {
            return true;
        }
        if (acceptUnknown) {
            onAcceptedUnknown.run();
            return true;
        }
        refusal = "the host key of " + connectAddress + " (" + describe(serverKey) + ") is not in " + source
                + "; add it there (ssh-keyscan, or the provider's published keys) or set "
                + "gitjob.watcher.insecure-skip-host-key-checks=true to accept unknown host keys";
        return false;
    }

    /** Why the last host key was refused, if one was. */
    Optional<String> refusal() {
        return Optional.ofNullable(refusal);
    }

    private List<KnownHostEntry> matching(String connectAddress, InetSocketAddress remoteAddress) {
        int port = remoteAddress.getPort();
        Set<String> hosts = new LinkedHashSet<>();
        hosts.add(hostOf(connectAddress));
        hosts.add(remoteAddress.getHostString());
        if (remoteAddress.getAddress() != null) {
            hosts.add(remoteAddress.getAddress().getHostAddress());
        }
        List<KnownHostEntry> found = new ArrayList<>();
        for (KnownHostEntry entry : entries) {
            if (hosts.stream().anyMatch(host -> entry.isHostMatch(host, port))) {
                found.add(entry);
            }
        }
        return found;
    }

    /** JGit passes the host as the user wrote it, possibly as {@code [host]:port}. */
    private static String hostOf(String connectAddress) {
        if (connectAddress.startsWith("[")) {
            int end = connectAddress.indexOf(']');
            if (end > 0) {
                return connectAddress.substring(1, end);
            }
        }
        return connectAddress;
    }

    private static Optional<PublicKey> key(KnownHostEntry entry) {
        try {
            return Optional.ofNullable(entry.getKeyEntry() == null ? null
                    : entry.getKeyEntry().resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.IGNORING));
        } catch (IOException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private static String describe(PublicKey key) {
        return KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
    }
}
