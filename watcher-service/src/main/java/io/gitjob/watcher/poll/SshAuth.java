package io.gitjob.watcher.poll;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

import io.gitjob.watcher.poll.GitCredentials.CredentialsException;

/**
 * An SSH session factory for one ls-remote: the Secret's {@code ssh-privatekey} (OpenSSH or PEM) as the only
 * identity, and {@link HostKeyCheck} as the only judge of host keys (no ~/.ssh is read). The key lives only in
 * memory; the session's private temporary home is removed on close. Errors name the Secret, never the key.
 */
final class SshAuth implements AutoCloseable {

    private final SshdSessionFactory factory;
    private final Path home;
    private final HostKeyCheck hostKeys;

    private SshAuth(SshdSessionFactory factory, Path home, HostKeyCheck hostKeys) {
        this.factory = factory;
        this.home = home;
        this.hostKeys = hostKeys;
    }

    static SshAuth of(String secretName, String privateKey, HostKeyCheck hostKeys) {
        List<KeyPair> keys = keyPairs(secretName, "ssh-privatekey", privateKey);
        try {
            Path home = Files.createTempDirectory("gitjob-ssh");
            SshdSessionFactory factory = new SshdSessionFactoryBuilder()
                    .setHomeDirectory(home.toFile())
                    .setSshDirectory(home.toFile())
                    .setPreferredAuthentications("publickey")
                    .setDefaultKeysProvider(dir -> keys)
                    .setServerKeyDatabase((h, s) -> hostKeys)
                    .build(null);
            return new SshAuth(factory, home, hostKeys);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the SSH session of " + secretName, e);
        }
    }

    /** The key pairs of a PEM or OpenSSH private key held under {@code key} of a Secret. */
    static List<KeyPair> keyPairs(String secretName, String key, String privateKey) {
        List<KeyPair> keys = new ArrayList<>();
        try {
            Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(secretName),
                    new ByteArrayInputStream(privateKey.getBytes(StandardCharsets.UTF_8)), null);
            if (loaded != null) {
                loaded.forEach(keys::add);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new CredentialsException("secret " + secretName + ": " + key + " is not a private key this "
                    + "watcher can read (OpenSSH or PEM, without passphrase): " + e.getClass().getSimpleName());
        }
        if (keys.isEmpty()) {
            throw new CredentialsException("secret " + secretName + ": " + key + " holds no key");
        }
        return keys;
    }

    SshdSessionFactory factory() {
        return factory;
    }

    HostKeyCheck hostKeys() {
        return hostKeys;
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
}
