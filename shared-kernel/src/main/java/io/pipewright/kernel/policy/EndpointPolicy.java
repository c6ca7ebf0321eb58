package io.pipewright.kernel.policy;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where tenants may point the control plane: every host a tenant registers (PostgreSQL nodes, Kafka bootstrap servers,
 * the Connect URL) is an address the control plane will connect to from inside the operator's network, so without this
 * rule a tenant could make it talk to its own database, a cloud metadata service or anything on loopback.
 *
 * <p>The operator's settings are {@code pipewright.endpoints.denied} and {@code pipewright.endpoints.allowed}: lists of
 * CIDR ranges ({@code 10.0.0.0/8}, {@code fe80::/10}), addresses, host names and name suffixes ({@code *.internal}).
 * An endpoint is refused when it is the control plane's own database (always, whatever is allowed), or when its name or
 * any address it resolves to is denied and not allowed. Allowed entries are exceptions to the denied ones; to admit
 * only some networks, deny everything ({@code 0.0.0.0/0}, {@code ::/0}) and allow those. Denied by default: loopback,
 * link-local (cloud metadata lives there) and the unspecified addresses, see {@link #DEFAULT_DENIED}.
 *
 * <p>Checked at registration, and again before every connection, on the addresses the host resolves to then, since DNS
 * answers change.
 */
public final class EndpointPolicy {

    /** What is denied when the operator says nothing: loopback, link-local, unspecified. */
    public static final List<String> DEFAULT_DENIED = List.of(
            "127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10", "0.0.0.0/8", "::/128");

    /** Resolves a host name; replaced in tests to play a DNS answer. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** One host:port the control plane's own database listens on. */
    public record OwnEndpoint(String host, int port) {
    }

    private final List<Rule> allowed;
    private final List<Rule> denied;
    private final List<OwnEndpoint> ownDatabase;
    private final Resolver resolver;

    public EndpointPolicy(List<String> allowed, List<String> denied, List<OwnEndpoint> ownDatabase, Resolver resolver) {
        this.allowed = rules(allowed, "pipewright.endpoints.allowed");
        this.denied = rules(denied, "pipewright.endpoints.denied");
        this.ownDatabase = List.copyOf(ownDatabase);
        this.resolver = resolver;
    }

    public EndpointPolicy(List<String> allowed, List<String> denied, List<OwnEndpoint> ownDatabase) {
        this(allowed, denied, ownDatabase, InetAddress::getAllByName);
    }

    /**
     * The hosts and ports of a {@code jdbc:postgresql://host[:port][,host[:port]...]/database} URL (port 5432 when
     * left out); none for any other URL.
     */
    public static List<OwnEndpoint> endpointsOfJdbcUrl(String jdbcUrl) {
        String prefix = "jdbc:postgresql://";
        if (jdbcUrl == null || !jdbcUrl.startsWith(prefix)) {
            return List.of();
        }
        String authority = jdbcUrl.substring(prefix.length()).split("[/?]", 2)[0];
        List<OwnEndpoint> endpoints = new ArrayList<>();
        for (String hostAndPort : authority.split(",")) {
            if (hostAndPort.isBlank()) {
                continue;
            }
            int portSeparator = hostAndPort.lastIndexOf(':');
            boolean hasPort = portSeparator > hostAndPort.lastIndexOf(']');
            String host = hasPort ? hostAndPort.substring(0, portSeparator) : hostAndPort;
            int port = hasPort ? Integer.parseInt(hostAndPort.substring(portSeparator + 1)) : 5432;
            endpoints.add(new OwnEndpoint(host.replace("[", "").replace("]", ""), port));
        }
        return endpoints;
    }

    /**
     * Why the control plane must not connect to {@code host:port}, or empty when it may. A name that does not resolve
     * (yet) is judged by its name alone; it is judged again on its addresses before every connection.
     */
    public Optional<String> refusal(String host, int port) {
        String name = host.toLowerCase(Locale.ROOT);
        List<InetAddress> addresses = resolveQuietly(name);
        if (isOwnDatabase(addresses, port)) {
            return Optional.of("must not be the control plane's own database");
        }
        if (allowed.stream().anyMatch(rule -> rule.matchesName(name))) {
            return Optional.empty();
        }
        for (Rule rule : denied) {
            if (rule.matchesName(name)) {
                return Optional.of("must not be " + rule.text + " (pipewright.endpoints.denied)");
            }
        }
        for (InetAddress address : addresses) {
            if (allowed.stream().anyMatch(rule -> rule.matches(address))) {
                continue;
            }
            for (Rule rule : denied) {
                if (rule.matches(address)) {
                    return Optional.of("must not be an address in " + rule.text + " (pipewright.endpoints.denied); "
                            + host + " is " + address.getHostAddress());
                }
            }
        }
        return Optional.empty();
    }

    /** Before a connection: throws {@link EndpointRefused} when {@link #refusal} has a reason. */
    public void check(String host, int port) {
        refusal(host, port).ifPresent(reason -> {
            throw new EndpointRefused(host + ":" + port + " " + reason);
        });
    }

    /** Before an HTTP request: the URL is a {@link HttpEndpoint} and its host and port are not refused. */
    public void checkUrl(String url) {
        HttpEndpoint endpoint;
        try {
            endpoint = HttpEndpoint.parse(url);
        } catch (IllegalArgumentException e) {
            throw new EndpointRefused(url + " " + e.getMessage());
        }
        check(endpoint.host(), endpoint.port());
    }

    private boolean isOwnDatabase(List<InetAddress> addresses, int port) {
        for (OwnEndpoint own : ownDatabase) {
            if (own.port() != port) {
                continue;
            }
            List<InetAddress> ownAddresses = resolveQuietly(own.host());
            boolean ownIsLocal = ownAddresses.stream().anyMatch(EndpointPolicy::isLocal);
            for (InetAddress address : addresses) {
                if (ownAddresses.contains(address) || ownIsLocal && isLocal(address)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Loopback, the wildcard address, or an address of one of this machine's interfaces. */
    private static boolean isLocal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private List<InetAddress> resolveQuietly(String host) {
        try {
            return List.of(resolver.resolve(host));
        } catch (UnknownHostException | SecurityException unresolvable) {
            return List.of();
        }
    }

    private static List<Rule> rules(List<String> entries, String setting) {
        List<Rule> rules = new ArrayList<>();
        for (String entry : entries == null ? List.<String>of() : entries) {
            rules.add(Rule.parse(entry.trim(), setting));
        }
        return List.copyOf(rules);
    }

    /** A CIDR range, an address (a range of one), a host name, or a suffix of host names ({@code *.example}). */
    private record Rule(String text, byte[] network, int prefixLength, String name) {

        private static final Pattern IP_LITERAL = Pattern.compile(
                "[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
        private static final Pattern NAME = Pattern.compile(
                "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

        static Rule parse(String entry, String setting) {
            String[] parts = entry.split("/", 2);
            if (IP_LITERAL.matcher(parts[0]).matches()) {
                try {
                    byte[] network = InetAddress.getByName(parts[0]).getAddress();
                    int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : network.length * 8;
                    if (prefix < 0 || prefix > network.length * 8) {
                        throw new IllegalArgumentException(setting + ": " + entry + " has a prefix length out of range");
                    }
                    return new Rule(entry, network, prefix, null);
                } catch (UnknownHostException | NumberFormatException e) {
                    throw new IllegalArgumentException(setting + ": " + entry + " is not a valid address or CIDR range",
                            e);
                }
            }
            if (parts.length == 1 && NAME.matcher(entry).matches()) {
                return new Rule(entry, null, 0, entry.toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException(setting + ": " + entry
                    + " is neither a CIDR range, an address, a host name nor *.suffix");
        }

        boolean matchesName(String host) {
            if (name == null) {
                return false;
            }
            return name.startsWith("*.") ? host.endsWith(name.substring(1)) : host.equals(name);
        }

        boolean matches(InetAddress address) {
            if (network == null) {
                return false;
            }
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int fullBytes = prefixLength / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int remainingBits = prefixLength % 8;
            if (remainingBits == 0) {
                return true;
            }
            int mask = 0xff << (8 - remainingBits) & 0xff;
            return (bytes[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }
}
