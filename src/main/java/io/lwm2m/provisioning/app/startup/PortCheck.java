package io.lwm2m.provisioning.app.startup;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.env.Environment;

/**
 * Before anything starts (the embedded PostgreSQL, a new CA), checks that every port the server will
 * listen on is free, so that a taken port fails the start with one line naming the property that moves
 * it instead of a bare bind error halfway through. Port 0 (any free port) and disabled ports are skipped.
 */
final class PortCheck {

    private PortCheck() {
    }

    static void requireFree(Environment environment) {
        List<ListenPort> ports = configured(environment);
        for (int i = 0; i < ports.size(); i++) {
            ListenPort port = ports.get(i);
            for (ListenPort earlier : ports.subList(0, i)) {
                if (earlier.udp() == port.udp() && earlier.address().getPort() == port.address().getPort()) {
                    throw new StartupRefusedException(port.property() + " and " + earlier.property() + " are both "
                            + port.address().getPort() + " (" + (port.udp() ? "udp" : "tcp") + ")",
                            "Give " + port.what() + " and " + earlier.what() + " different ports.");
                }
            }
            String problem = bindProblem(port);
            if (problem != null) {
                throw new StartupRefusedException("Port " + port.describe() + " (" + port.what() + ", " + port.property()
                        + ") " + problem + ".", "Stop the process that holds it, or set " + port.property()
                        + " (environment variable " + port.environmentVariable() + ") to a free port; 0 picks one.");
            }
        }
    }

    static List<ListenPort> configured(Environment env) {
        List<ListenPort> ports = new ArrayList<>();
        String serverAddress = env.getProperty("server.address", "0.0.0.0");
        int apiPort = env.getProperty("server.port", Integer.class, 8080);
        add(ports, "the admin API", "server.port", false, serverAddress, apiPort);
        Integer management = env.getProperty("management.server.port", Integer.class);
        if (management != null && management != apiPort) {
            add(ports, "the management (actuator) port", "management.server.port", false,
                    env.getProperty("management.server.address", serverAddress), management);
        }
        add(ports, "EST over HTTPS", "provisioning.est.https.port", false,
                env.getProperty("provisioning.est.https.address", "0.0.0.0"),
                env.getProperty("provisioning.est.https.port", Integer.class, 8443));
        String coapAddress = env.getProperty("provisioning.coap.address", "0.0.0.0");
        add(ports, "CoAP", "provisioning.coap.port", true, coapAddress, env.getProperty("provisioning.coap.port", Integer.class, 5683));
        add(ports, "CoAP over DTLS", "provisioning.coaps.port", true, coapAddress,
                env.getProperty("provisioning.coaps.port", Integer.class, 5684));
        if (env.getProperty("provisioning.cluster.enabled", Boolean.class, false)) {
            add(ports, "the cluster port", "provisioning.cluster.port", true,
                    env.getProperty("provisioning.cluster.address", coapAddress),
                    env.getProperty("provisioning.cluster.port", Integer.class, 5784));
        }
        return ports;
    }

    private static void add(List<ListenPort> ports, String what, String property, boolean udp, String host, int port) {
        if (port > 0 && port <= 65535) {
            ports.add(new ListenPort(what, property, udp, new InetSocketAddress(host, port)));
        }
    }

    /** Null when the port can be bound; else why not ("is already in use"). */
    private static String bindProblem(ListenPort port) {
        if (port.address().isUnresolved()) {
            return null; // the server itself reports an address it cannot resolve
        }
        try {
            if (port.udp()) {
                try (DatagramSocket socket = new DatagramSocket(port.address())) {
                    return null;
                }
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true); // as Tomcat binds: a port in TIME_WAIT is free
                socket.bind(port.address());
                return null;
            }
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            return message.contains("in use") ? "is already in use" : "cannot be bound: " + message;
        }
    }
}
