package io.lwm2m.provisioning.bootstrap.sessions;

/**
 * A request from this server to the client. {@code contentFormat} and {@code accept} are -1 when
 * absent; {@code payload} is empty when there is none.
 */
public record DownlinkRequest(BootstrapOperation operation, String path, byte[] payload, int contentFormat, int accept) {

    public static DownlinkRequest discover(String path) {
        return new DownlinkRequest(BootstrapOperation.DISCOVER, path, new byte[0], -1,
                io.lwm2m.provisioning.bootstrap.lwm2m.ContentFormat.LINK_FORMAT);
    }

    public static DownlinkRequest delete(String path) {
        return new DownlinkRequest(BootstrapOperation.DELETE, path, new byte[0], -1, -1);
    }

    public static DownlinkRequest write(String path, byte[] payload, int contentFormat) {
        return new DownlinkRequest(BootstrapOperation.WRITE, path, payload, contentFormat, -1);
    }

    public static DownlinkRequest finish() {
        return new DownlinkRequest(BootstrapOperation.FINISH, "/bs", new byte[0], -1, -1);
    }

    @Override
    public String toString() {
        // The payload of a write holds keys: never print it.
        return operation.specName() + " " + path;
    }
}
