package io.lwm2m.provisioning.cli.device.client;

import java.util.Map;

/**
 * The resources of the objects a bootstrap writes (Security 0, Server 1, Access Control 2; OMA LwM2M
 * Core 1.2 object definitions): their names for people and their types, which OMA-TLV does not carry.
 * A resource not listed here is read as Opaque.
 */
public final class ObjectModel {

    /** How a resource's value is encoded (Unsigned Integer and Time are integers here). */
    public enum Type {
        STRING, INTEGER, BOOLEAN, OPAQUE, OBJLNK
    }

    /** A resource definition; {@code multiple} for multiple-instance resources. */
    public record ResourceModel(String name, Type type, boolean multiple) {
    }

    private static final Map<Integer, String> OBJECTS = Map.of(0, "Security", 1, "Server", 2, "Access Control", 3, "Device");

    private static final Map<Integer, ResourceModel> SECURITY = Map.ofEntries(
            single(0, "LwM2M Server URI", Type.STRING), single(1, "Bootstrap-Server", Type.BOOLEAN),
            single(2, "Security Mode", Type.INTEGER), single(3, "Public Key or Identity", Type.OPAQUE),
            single(4, "Server Public Key", Type.OPAQUE), single(5, "Secret Key", Type.OPAQUE),
            single(6, "SMS Security Mode", Type.INTEGER), single(7, "SMS Binding Key Parameters", Type.OPAQUE),
            single(8, "SMS Binding Secret Key(s)", Type.OPAQUE), single(9, "LwM2M Server SMS Number", Type.STRING),
            single(10, "Short Server ID", Type.INTEGER), single(11, "Client Hold Off Time", Type.INTEGER),
            single(12, "Bootstrap-Server Account Timeout", Type.INTEGER), single(13, "Matching Type", Type.INTEGER),
            single(14, "SNI", Type.STRING), single(15, "Certificate Usage", Type.INTEGER),
            multiple(16, "DTLS/TLS Ciphersuite", Type.INTEGER), single(17, "OSCORE Security Mode", Type.OBJLNK),
            multiple(18, "Groups To Use by Client", Type.INTEGER), multiple(19, "Signature Algorithms Supported by Server", Type.INTEGER),
            multiple(20, "Signature Algorithms To Use by Client", Type.INTEGER),
            multiple(21, "Signature Algorithm Certs Supported by Server", Type.INTEGER),
            single(22, "TLS 1.3 Features To Use by Client", Type.INTEGER), single(23, "TLS Extensions Supported by Server", Type.INTEGER),
            single(24, "TLS Extensions To Use by Client", Type.INTEGER), multiple(25, "Secondary LwM2M Server URI", Type.STRING),
            single(26, "MQTT Server", Type.OBJLNK), multiple(27, "LwM2M COSE Security", Type.OBJLNK),
            single(28, "RDS Destination Port", Type.INTEGER), single(29, "RDS Source Port", Type.INTEGER),
            single(30, "RDS Application ID", Type.STRING));

    private static final Map<Integer, ResourceModel> SERVER = Map.ofEntries(
            single(0, "Short Server ID", Type.INTEGER), single(1, "Lifetime", Type.INTEGER),
            single(2, "Default Minimum Period", Type.INTEGER), single(3, "Default Maximum Period", Type.INTEGER),
            single(5, "Disable Timeout", Type.INTEGER), single(6, "Notification Storing When Disabled or Offline", Type.BOOLEAN),
            single(7, "Binding", Type.STRING), single(10, "APN Link", Type.OBJLNK), single(11, "TLS-DTLS Alert Code", Type.INTEGER),
            single(12, "Last Bootstrapped", Type.INTEGER), single(13, "Registration Priority Order", Type.INTEGER),
            single(14, "Initial Registration Delay Timer", Type.INTEGER), single(15, "Registration Failure Block", Type.BOOLEAN),
            single(16, "Bootstrap on Registration Failure", Type.BOOLEAN), single(17, "Communication Retry Count", Type.INTEGER),
            single(18, "Communication Retry Timer", Type.INTEGER), single(19, "Communication Sequence Delay Timer", Type.INTEGER),
            single(20, "Communication Sequence Retry Count", Type.INTEGER), single(21, "Trigger", Type.BOOLEAN),
            single(22, "Preferred Transport", Type.STRING), single(23, "Mute Send", Type.BOOLEAN),
            single(26, "Default Notification Mode", Type.INTEGER));

    private static final Map<Integer, ResourceModel> ACCESS_CONTROL = Map.ofEntries(
            single(0, "Object ID", Type.INTEGER), single(1, "Object Instance ID", Type.INTEGER),
            multiple(2, "ACL", Type.INTEGER), single(3, "Access Control Owner", Type.INTEGER));

    private static final Map<Integer, ResourceModel> DEVICE = Map.ofEntries(
            single(0, "Manufacturer", Type.STRING), single(1, "Model Number", Type.STRING), single(2, "Serial Number", Type.STRING));

    private ObjectModel() {
    }

    /** "Security", "Server", ...; "Object 42" for others. */
    public static String objectName(int objectId) {
        return OBJECTS.getOrDefault(objectId, "Object " + objectId);
    }

    /** The resource's definition; an Opaque single-instance "Resource n" when it is not known here. */
    public static ResourceModel resource(int objectId, int resourceId) {
        Map<Integer, ResourceModel> resources = switch (objectId) {
            case 0 -> SECURITY;
            case 1 -> SERVER;
            case 2 -> ACCESS_CONTROL;
            case 3 -> DEVICE;
            default -> Map.of();
        };
        ResourceModel model = resources.get(resourceId);
        return model != null ? model : new ResourceModel("Resource " + resourceId, Type.OPAQUE, false);
    }

    private static Map.Entry<Integer, ResourceModel> single(int id, String name, Type type) {
        return Map.entry(id, new ResourceModel(name, type, false));
    }

    private static Map.Entry<Integer, ResourceModel> multiple(int id, String name, Type type) {
        return Map.entry(id, new ResourceModel(name, type, true));
    }
}
