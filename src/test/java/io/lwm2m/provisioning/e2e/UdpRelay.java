package io.lwm2m.provisioning.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP load balancer in miniature, on loopback: clients send to {@link #address()}, each client
 * gets its own upstream socket (as a balancer's source NAT does), and the datagrams go to the
 * current {@link #target(InetSocketAddress) target}, which the test may switch at any time, as a
 * balancer does when its table changes. Answers from any replica go back to the client.
 */
final class UdpRelay implements AutoCloseable {

    private final DatagramSocket front;
    private final Map<SocketAddress, DatagramSocket> upstreams = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, AtomicInteger> sent = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "udp-relay");
        t.setDaemon(true);
        return t;
    });
    private volatile InetSocketAddress target;
    private volatile boolean closed;

    UdpRelay(InetSocketAddress target) {
        this.target = target;
        try {
            this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::fromClients);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    void target(InetSocketAddress target) {
        this.target = target;
    }

    /** How many client datagrams went to {@code destination}. */
    int sentTo(InetSocketAddress destination) {
        AtomicInteger count = sent.get(destination);
        return count == null ? 0 : count.get();
    }

    private void fromClients() {
        byte[] buffer = new byte[2048];
        while (!closed) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                front.receive(packet);
                SocketAddress client = packet.getSocketAddress();
                DatagramSocket upstream = upstreams.computeIfAbsent(client, this::upstream);
                InetSocketAddress destination = target;
                upstream.send(new DatagramPacket(packet.getData(), packet.getOffset(), packet.getLength(), destination));
                sent.computeIfAbsent(destination, d -> new AtomicInteger()).incrementAndGet();
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private DatagramSocket upstream(SocketAddress client) {
        try {
            DatagramSocket upstream = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            threads.execute(() -> {
                byte[] buffer = new byte[2048];
                while (!closed) {
                    try {
                        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                        upstream.receive(packet);
                        front.send(new DatagramPacket(packet.getData(), packet.getOffset(), packet.getLength(), client));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        front.close();
        upstreams.values().forEach(DatagramSocket::close);
        threads.shutdownNow();
    }
}
