package io.gitjob.watcher;

import java.nio.file.Path;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.junit.http.AppServer;
import org.eclipse.jgit.transport.resolver.FileResolver;

/**
 * JGit's own HTTP Git server (GitServlet on Jetty, from org.eclipse.jgit.junit.http) serving every repository
 * under a directory: {@code /git/<name>} anonymously, {@code /private/<name>} with basic auth
 * ({@link AppServer#username}/{@link AppServer#password}).
 */
public final class TestGitServer implements AutoCloseable {

    private final AppServer server = new AppServer();

    public TestGitServer(Path repositories) {
        try {
            ServletContextHandler open = server.addContext("/git");
            open.addServlet(new ServletHolder(servlet(repositories)), "/*");
            ServletContextHandler closed = server.addContext("/private");
            closed.addServlet(new ServletHolder(servlet(repositories)), "/*");
            server.authBasic(closed);
            server.setUp();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the test Git server", e);
        }
    }

    private static GitServlet servlet(Path repositories) {
        GitServlet servlet = new GitServlet();
        servlet.setRepositoryResolver(new FileResolver<>(repositories.toFile(), true));
        return servlet;
    }

    /** {@code http://localhost:port/git/<name>} */
    public String url(String name) {
        return "http://localhost:" + server.getPort() + "/git/" + name;
    }

    public String privateUrl(String name) {
        return "http://localhost:" + server.getPort() + "/private/" + name;
    }

    @Override
    public void close() {
        try {
            server.tearDown();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
