package io.lwm2m.provisioning.ca;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * The names a server certificate carries as subjectAltNames: DNS names and IP addresses, as devices
 * address the server ({@code coaps://bs.example.com}, {@code coaps://10.0.0.5}). A client that checks
 * the server's name (Anjay does, whatever the certificate usage) matches these, not the CN.
 */
public record ServerNames(List<String> dnsNames, List<InetAddress> ipAddresses) {

    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    public ServerNames {
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
    }

    /**
     * Parses names as an operator writes them: each an IPv4 or IPv6 literal, or a DNS name.
     *
     * @param property the setting they come from, for the error
     * @throws IllegalArgumentException naming the entry that is neither
     */
    public static ServerNames parse(Collection<String> names, String property) {
        Set<String> dns = new LinkedHashSet<>();
        Set<InetAddress> ips = new LinkedHashSet<>();
        for (String raw : names) {
            String name = raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (name.contains(":") || name.matches("[0-9.]+")) {
                ips.add(ipLiteral(name, property));
                continue;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (!DNS_NAME.matcher(lower).matches()) {
                throw new IllegalArgumentException(property + ": '" + name + "' is neither a DNS name nor an IP address");
            }
            dns.add(lower);
        }
        return new ServerNames(new ArrayList<>(dns), new ArrayList<>(ips));
    }

    /**
     * The names of a server certificate for {@code hostname}: the configured ones, or else the
     * hostname itself (and, for {@code localhost}, the loopback addresses, so a device on this host
     * may address the server as 127.0.0.1).
     */
    public static ServerNames forHost(String hostname, Collection<String> configured, String property) {
        List<String> names = configured == null ? List.of() : configured.stream().filter(n -> !n.isBlank()).toList();
        if (names.isEmpty()) {
            names = hostname.equals("localhost") ? List.of("localhost", "127.0.0.1", "::1") : List.of(hostname);
        }
        return parse(names, property);
    }

    /** An IPv4 or IPv6 literal, parsed without any name lookup. */
    private static InetAddress ipLiteral(String name, String property) {
        String literal = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        try {
            if (literal.contains(":")) {
                return InetAddress.getByName(literal); // a literal with ':' is never looked up
            }
            if (IPV4.matcher(literal).matches()) {
                String[] octets = literal.split("\\.");
                byte[] address = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(octets[i]);
                    if (octet > 255) {
                        throw new UnknownHostException(literal);
                    }
                    address[i] = (byte) octet;
                }
                return InetAddress.getByAddress(address);
            }
        } catch (UnknownHostException e) {
            // below
        }
        throw new IllegalArgumentException(property + ": '" + name + "' is not an IP address");
    }

    /** The names a certificate carries in its subjectAltName extension (none: empty). */
    public static ServerNames of(X509Certificate certificate) {
        List<String> dns = new ArrayList<>();
        List<InetAddress> ips = new ArrayList<>();
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    int type = (Integer) name.get(0);
                    if (type == GeneralName.dNSName) {
                        dns.add(((String) name.get(1)).toLowerCase(Locale.ROOT));
                    } else if (type == GeneralName.iPAddress) {
                        ips.add(InetAddress.getByName((String) name.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException | UnknownHostException e) {
            throw new IllegalArgumentException("unreadable subjectAltName in " + certificate.getSubjectX500Principal(), e);
        }
        return new ServerNames(dns, ips);
    }

    public boolean isEmpty() {
        return dnsNames.isEmpty() && ipAddresses.isEmpty();
    }

    /** Whether the names are only what a device on this very host could use (localhost, loopback). */
    public boolean onlyLocal() {
        return dnsNames.stream().allMatch(n -> n.equals("localhost")) && ipAddresses.stream().allMatch(InetAddress::isLoopbackAddress);
    }

    /** The same names, whatever their order. */
    public boolean sameAs(ServerNames other) {
        return Set.copyOf(dnsNames).equals(Set.copyOf(other.dnsNames)) && Set.copyOf(ipAddresses).equals(Set.copyOf(other.ipAddresses));
    }

    GeneralNames generalNames() {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress())));
        return new GeneralNames(names.toArray(new GeneralName[0]));
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>();
        dnsNames.forEach(n -> all.add("DNS:" + n));
        ipAddresses.forEach(ip -> all.add("IP:" + ip.getHostAddress()));
        return String.join(", ", all);
    }
}
