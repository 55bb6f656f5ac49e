package io.gitjob.sandbox;

import java.nio.file.Path;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.junit.http.AppServer;
import org.eclipse.jgit.transport.resolver.FileResolver;

/**
 * JGit's own HTTP Git server (GitServlet on Jetty, from org.eclipse.jgit.junit.http) serving every repository
 * under a folder at {@code /git/<name>}. It asks for no credentials, so a URL with any userinfo is served.
 */
final class GitHttpServer implements AutoCloseable {

    private final AppServer server = new AppServer();

    GitHttpServer(Path repositories) {
        try {
            ServletContextHandler git = server.addContext("/git");
            GitServlet servlet = new GitServlet();
            servlet.setRepositoryResolver(new FileResolver<>(repositories.toFile(), true));
            git.addServlet(new ServletHolder(servlet), "/*");
            server.setUp();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the test Git server", e);
        }
    }

    /** {@code http://<userinfo>@127.0.0.1:<port>/git/<name>} */
    String url(String userinfo, String name) {
        return "http://" + userinfo + "@127.0.0.1:" + server.getPort() + "/git/" + name;
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
