package io.lwm2m.provisioning.cli.device.client;

import java.io.IOException;
import java.net.DatagramPacket;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;

/**
 * A Scandium connector without receiver threads of its own ({@code DTLS_RECEIVER_THREAD_COUNT} 0):
 * {@link #receiveUntilClosed} reads its socket on a pooled thread, exactly as Scandium's receiver
 * would, until the connector stops. Starting a thread per session cost the load generator more
 * than the handshake.
 */
final class PooledReceiverConnector extends DTLSConnector {

    /** Each pooled thread's buffer, as large as any datagram. */
    private static final ThreadLocal<DatagramPacket> PACKET = ThreadLocal.withInitial(() -> new DatagramPacket(new byte[65536], 65536));

    PooledReceiverConnector(DtlsConnectorConfig config) {
        super(config);
    }

    void receiveUntilClosed() {
        DatagramPacket packet = PACKET.get();
        while (isRunning()) {
            try {
                packet.setData(packet.getData());
                receiveNextDatagramFromNetwork(packet);
            } catch (IOException e) {
                return; // closed
            } catch (RuntimeException e) {
                if (!isRunning()) {
                    return;
                }
            }
        }
    }
}
