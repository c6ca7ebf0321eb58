package io.pipewright.kernel.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A tenant's HTTP endpoint (a Kafka Connect REST URL) in the one form the control plane accepts: http or https, a host,
 * an optional port and a plain path, without user info, query or fragment, so that appending an API path such as
 * {@code /connectors} always lands under that path (a fragment would otherwise swallow the suffix).
 */
public record HttpEndpoint(String scheme, String host, int port, String path) {

    private static final Pattern PLAIN_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)*");

    /** Parses and normalises {@code url}; the exception's message is the rule it breaks. */
    public static HttpEndpoint parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be an http(s) URL");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException("must be an http(s) URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("must not contain user info");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("must not have a query or a fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+", "/").replaceAll("/$", "");
        if (!PLAIN_PATH.matcher(path).matches() || path.matches(".*/\\.\\.?(/.*)?")) {
            throw new IllegalArgumentException("must have a plain path (letters, digits, '.', '_', '~', '-'; no '.' or "
                    + "'..' segments, no escapes)");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
        return new HttpEndpoint(scheme, uri.getHost().toLowerCase(Locale.ROOT), port, path);
    }

    /** The normalised URL, without a trailing slash: an API path is appended to it. */
    @Override
    public String toString() {
        boolean defaultPort = port == ("https".equals(scheme) ? 443 : 80);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port) + path;
    }
}
