package io.gitjob.watcher.poll;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;

import io.gitjob.watcher.poll.GitCredentials.CredentialsException;

/**
 * The TLS trust of one GitRepo's HTTPS remote: the JVM's CAs plus its CA bundle, or no verification at all with
 * {@code insecureSkipTLSVerify}. JGit's connection factory is global, so this trust goes on the one transport of
 * one ls-remote ({@link #connectionFactory()}) and never into the JVM's defaults: another GitRepo on the same host
 * does not inherit it.
 */
final class TlsTrust {

    static final TlsTrust JVM_DEFAULT = new TlsTrust(defaultTrustManager(), false);

    private final X509TrustManager trustManager;
    private final boolean insecure;

    private TlsTrust(X509TrustManager trustManager, boolean insecure) {
        this.trustManager = trustManager;
        this.insecure = insecure;
    }

    /**
     * @param pemBundle PEM certificates to trust besides the JVM's, null or blank for none
     * @param source where the bundle comes from, for errors (e.g. {@code spec.caBundle of GitRepo ns/name})
     */
    static TlsTrust of(String pemBundle, String source, boolean insecureSkipVerify) {
        if (insecureSkipVerify) {
            return new TlsTrust(TRUST_ANY, true);
        }
        if (pemBundle == null || pemBundle.isBlank()) {
            return JVM_DEFAULT;
        }
        Collection<? extends Certificate> bundle;
        try {
            bundle = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pemBundle.getBytes(StandardCharsets.UTF_8)));
        } catch (CertificateException e) {
            throw new CredentialsException(source + " is not a PEM certificate bundle: " + e.getMessage());
        }
        if (bundle.isEmpty()) {
            throw new CredentialsException(source + " holds no PEM certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : bundle) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            X509TrustManager own = x509(factory.getTrustManagers());
            return new TlsTrust(new EitherTrustManager(defaultTrustManager(), own), false);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the trust store of " + source, e);
        }
    }

    boolean insecure() {
        return insecure;
    }

    /** An SSL context with this trust, for other HTTPS calls made for the GitRepo (GitHub's token endpoint). */
    SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] { trustManager }, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context", e);
        }
    }

    /**
     * A connection factory for one JGit HTTP transport. Every HTTPS connection it hands out under a GitRepo's own
     * trust gets its own socket factory (JDK keep-alive reuses a connection only with the socket factory that
     * opened it, so a connection opened under one GitRepo's trust never serves another's request).
     */
    HttpConnectionFactory2 connectionFactory() {
        return new JDKHttpConnectionFactory() {
            @Override
            public GitSession newSession() {
                return new GitSession() {
                    @Override
                    public HttpConnection configure(HttpConnection connection, boolean sslVerify)
                            throws GeneralSecurityException {
                        // The JVM's own trust keeps the JVM's socket factory, and with it keep-alive across
                        // polls (the JDK reuses a connection only with the socket factory that opened it).
                        if (TlsTrust.this != JVM_DEFAULT
                                && "https".equalsIgnoreCase(connection.getURL().getProtocol())) {
                            connection.configure(null, new TrustManager[] { trustManager }, null);
                            if (insecure) {
                                connection.setHostnameVerifier((host, session) -> true);
                            }
                        }
                        return connection;
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }

    private static X509TrustManager defaultTrustManager() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return x509(factory.getTrustManagers());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no default trust manager", e);
        }
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager manager : managers) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("no X.509 trust manager");
    }

    /** Trusts a chain that either manager trusts: the JVM's CAs stay trusted beside the bundle, as Fleet's do. */
    private record EitherTrustManager(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not checked here");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                second.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
            all.addAll(List.of(second.getAcceptedIssuers()));
            return all.toArray(X509Certificate[]::new);
        }
    }

    private static final X509TrustManager TRUST_ANY = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };
}
