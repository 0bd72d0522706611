package io.lwm2m.provisioning.app.startup;

import java.net.InetSocketAddress;

/**
 * A port the server opens, with the property that moves it.
 *
 * @param what     what listens there, for people ("the admin API")
 * @param property the property that sets the port
 * @param udp      UDP (CoAP, DTLS) rather than TCP
 */
record ListenPort(String what, String property, boolean udp, InetSocketAddress address) {

    /** The environment variable that sets {@link #property} (Spring's relaxed binding). */
    String environmentVariable() {
        return property.toUpperCase().replace('.', '_').replace('-', '_');
    }

    String describe() {
        return address.getPort() + "/" + (udp ? "udp" : "tcp") + " on " + address.getHostString();
    }
}
