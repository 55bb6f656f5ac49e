package io.gitjob.watcher.poll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.transport.resolver.FileResolver;

/**
 * JGit's HTTP Git server (GitServlet on Jetty) over TLS with a certificate of a test CA, serving every repository
 * under a directory at {@code https://localhost:port/git/<name>}; with an {@code accepts} check, only to requests
 * whose basic auth it accepts (the HTTPS variant of {@code TestGitServer}, whose own basic auth has one fixed user).
 */
final class TestGitHttpsServer implements AutoCloseable {

    private final Server server = new Server();
    private final ServerConnector connector;
    private final AtomicInteger refused = new AtomicInteger();

    /** @param accepts (user, password) accepted; null: anonymous access */
    TestGitHttpsServer(Path repositories, TestCertificates certificates, BiPredicate<String, String> accepts) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(certificates.serverKeyStore());
        tls.setKeyStorePassword(new String(TestCertificates.KEY_STORE_PASSWORD));
        connector = new ServerConnector(server, tls);
        connector.setHost("localhost");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/git");
        GitServlet git = new GitServlet();
        git.setRepositoryResolver(new FileResolver<>(repositories.toFile(), true));
        context.addServlet(new ServletHolder(git), "/*");
        if (accepts != null) {
            context.addFilter(new FilterHolder(new BasicAuth(accepts)), "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the test HTTPS Git server", e);
        }
    }

    String url(String name) {
        return "https://localhost:" + connector.getLocalPort() + "/git/" + name;
    }

    /** Requests answered 401 (no or wrong credentials). */
    int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final class BasicAuth implements Filter {
        private final BiPredicate<String, String> accepts;

        BasicAuth(BiPredicate<String, String> accepts) {
            this.accepts = accepts;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            String header = ((HttpServletRequest) request).getHeader("Authorization");
            if (header != null && header.startsWith("Basic ")) {
                String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon >= 0 && accepts.test(pair.substring(0, colon), pair.substring(colon + 1))) {
                    chain.doFilter(request, response);
                    return;
                }
            }
            refused.incrementAndGet();
            HttpServletResponse http = (HttpServletResponse) response;
            http.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
            http.sendError(401);
        }
    }
}
