package io.lwm2m.provisioning.api.openapi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.introspect.BeanPropertyDefinition;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Schemas of the API's Java types as the application's own Jackson mapper writes them: its view of
 * a type's properties (record components, getters, renames) and of an enum's values. Object types become
 * named components, referenced with {@code $ref}.
 */
final class JsonSchemas {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<Class<?>, String[]> SCALARS = Map.ofEntries(
            Map.entry(String.class, new String[] {"string", null}),
            Map.entry(Character.class, new String[] {"string", null}),
            Map.entry(Boolean.class, new String[] {"boolean", null}),
            Map.entry(Integer.class, new String[] {"integer", "int32"}),
            Map.entry(Short.class, new String[] {"integer", "int32"}),
            Map.entry(Byte.class, new String[] {"integer", "int32"}),
            Map.entry(Long.class, new String[] {"integer", "int64"}),
            Map.entry(BigInteger.class, new String[] {"integer", null}),
            Map.entry(Double.class, new String[] {"number", "double"}),
            Map.entry(Float.class, new String[] {"number", "float"}),
            Map.entry(BigDecimal.class, new String[] {"number", null}),
            Map.entry(UUID.class, new String[] {"string", "uuid"}),
            Map.entry(URI.class, new String[] {"string", "uri"}),
            Map.entry(Instant.class, new String[] {"string", "date-time"}),
            Map.entry(OffsetDateTime.class, new String[] {"string", "date-time"}),
            Map.entry(LocalDate.class, new String[] {"string", "date"}),
            Map.entry(Duration.class, new String[] {"string", "duration"}),
            Map.entry(byte[].class, new String[] {"string", "byte"}));

    private final JsonMapper mapper;
    private final Map<String, ObjectNode> components = new TreeMap<>();
    private final Map<Class<?>, String> names = new java.util.HashMap<>();

    JsonSchemas(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** The components collected so far, by name. */
    Map<String, ObjectNode> components() {
        return components;
    }

    ObjectNode schema(JavaType type) {
        Class<?> raw = type.isPrimitive() ? boxed(type.getRawClass()) : type.getRawClass();
        String[] scalar = SCALARS.get(raw);
        if (scalar != null) {
            ObjectNode schema = NODES.objectNode().put("type", scalar[0]);
            return scalar[1] == null ? schema : schema.put("format", scalar[1]);
        }
        if (JsonNode.class.isAssignableFrom(raw) || raw == Object.class) {
            return NODES.objectNode(); // any JSON value
        }
        if (type.isEnumType()) {
            return enumSchema(raw);
        }
        if (type.isArrayType() || type.isCollectionLikeType()) {
            ObjectNode schema = NODES.objectNode().put("type", "array");
            schema.set("items", schema(type.getContentType()));
            return schema;
        }
        if (type.isMapLikeType()) {
            ObjectNode schema = NODES.objectNode().put("type", "object");
            schema.set("additionalProperties", schema(type.getContentType()));
            return schema;
        }
        return reference(type);
    }

    private ObjectNode enumSchema(Class<?> raw) {
        ObjectNode schema = NODES.objectNode().put("type", "string");
        ArrayNode values = schema.putArray("enum");
        for (Object constant : raw.getEnumConstants()) {
            // As the mapper writes it: an @JsonValue method or the constant's name.
            JsonNode written = mapper.valueToTree(constant);
            values.add(written.isString() ? written.asString() : constant.toString());
        }
        return schema;
    }

    private ObjectNode reference(JavaType type) {
        Class<?> raw = type.getRawClass();
        String name = names.get(raw);
        if (name == null) {
            name = uniqueName(raw);
            names.put(raw, name);
            ObjectNode schema = NODES.objectNode().put("type", "object");
            components.put(name, schema); // before the properties: a type may contain itself
            BeanDescription description = mapper._serializationContext().introspectBeanDescription(type);
            ObjectNode properties = schema.putObject("properties");
            ArrayNode required = NODES.arrayNode();
            for (BeanPropertyDefinition property : description.findProperties()) {
                if (property.couldSerialize()) {
                    properties.set(property.getName(), schema(property.getPrimaryType()));
                    if (isRequired(property)) {
                        required.add(property.getName());
                    }
                }
            }
            if (!required.isEmpty()) {
                schema.set("required", required);
            }
        }
        return NODES.objectNode().put("$ref", "#/components/schemas/" + name);
    }

    /** Marked {@link Required} on its record component (field, accessor or constructor parameter). */
    private static boolean isRequired(BeanPropertyDefinition property) {
        return property.hasField() && property.getField().hasAnnotation(Required.class)
                || property.hasGetter() && property.getGetter().hasAnnotation(Required.class)
                || property.hasConstructorParameter() && property.getConstructorParameter().hasAnnotation(Required.class);
    }

    /** The simple name, prefixed with its enclosing classes' names ({@code DeviceResponse.Credential}). */
    private String uniqueName(Class<?> raw) {
        StringBuilder name = new StringBuilder(raw.getSimpleName());
        for (Class<?> outer = raw.getEnclosingClass(); outer != null; outer = outer.getEnclosingClass()) {
            name.insert(0, outer.getSimpleName() + ".");
        }
        String candidate = name.toString();
        for (int n = 2; components.containsKey(candidate); n++) {
            candidate = name.toString() + n;
        }
        return candidate;
    }

    private static Class<?> boxed(Class<?> primitive) {
        return java.lang.invoke.MethodType.methodType(primitive).wrap().returnType();
    }
}
