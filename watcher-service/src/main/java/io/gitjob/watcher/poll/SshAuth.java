package io.gitjob.watcher.poll;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

import io.gitjob.watcher.poll.GitCredentials.CredentialsException;

/**
 * SSH credentials from a Secret's {@code ssh-privatekey} (OpenSSH or PEM), with the host keys of its optional
 * {@code known_hosts}: when that key is present only those hosts are trusted; without it any host key is
 * accepted, as Fleet does. The key lives only in memory and in a private temporary folder removed on close;
 * errors name the Secret, never the key.
 */
final class SshAuth implements GitCredentials.Auth {

    private final SshdSessionFactory factory;
    private final Path home;

    private SshAuth(SshdSessionFactory factory, Path home) {
        this.factory = factory;
        this.home = home;
    }

    static SshAuth of(String secretName, String privateKey, String knownHosts) {
        List<KeyPair> keys = new ArrayList<>();
        try {
            Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(secretName),
                    new ByteArrayInputStream(privateKey.getBytes(StandardCharsets.UTF_8)), null);
            if (loaded != null) {
                loaded.forEach(keys::add);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new CredentialsException("secret " + secretName + ": ssh-privatekey is not a private key this "
                    + "watcher can read (OpenSSH or PEM, without passphrase): " + e.getClass().getSimpleName());
        }
        if (keys.isEmpty()) {
            throw new CredentialsException("secret " + secretName + ": ssh-privatekey holds no key");
        }
        try {
            Path home = Files.createTempDirectory("gitjob-ssh");
            SshdSessionFactoryBuilder builder = new SshdSessionFactoryBuilder()
                    .setHomeDirectory(home.toFile())
                    .setSshDirectory(home.toFile())
                    .setPreferredAuthentications("publickey")
                    .setDefaultKeysProvider(dir -> keys);
            if (knownHosts != null && !knownHosts.isBlank()) {
                Path file = Files.writeString(home.resolve("known_hosts"), knownHosts);
                builder.setDefaultKnownHostsFiles(dir -> List.of(file));
            } else {
                builder.setServerKeyDatabase((h, s) -> ACCEPT_ANY_HOST);
            }
            return new SshAuth(builder.build(null), home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the SSH session of " + secretName, e);
        }
    }

    @Override
    public void applyTo(LsRemoteCommand command) {
        command.setTransportConfigCallback(transport -> {
            if (transport instanceof SshTransport ssh) {
                ssh.setSshSessionFactory(factory);
            }
        });
    }

    @Override
    public void close() {
        factory.close();
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover empty temp folder is harmless
        }
    }

    private static final ServerKeyDatabase ACCEPT_ANY_HOST = new ServerKeyDatabase() {
        @Override
        public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress,
                Configuration config) {
            return List.of();
        }

        @Override
        public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
                Configuration config, CredentialsProvider provider) {
            return true;
        }
    };
}
