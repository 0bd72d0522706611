package io.lwm2m.provisioning.api.openapi;

import java.lang.reflect.Type;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpEntity;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.ValueConstants;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI 3.1 document of the admin API, derived from the request mappings of its controllers:
 * paths, methods, path/query/header parameters, request and response bodies (as the application's
 * Jackson mapper reads and writes them), and which operations need no credentials. Written with Jackson
 * 3 instead of SpringDoc, whose swagger-core needs Jackson 2 on the runtime classpath (decision 041).
 */
final class OpenApiDocument {

    static final String API_PREFIX = "/api/";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String PROBLEM = "#/components/schemas/Problem";
    private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

    private final JsonMapper mapper;
    private final JsonSchemas schemas;

    private OpenApiDocument(JsonMapper mapper) {
        this.mapper = mapper;
        this.schemas = new JsonSchemas(mapper);
    }

    static ObjectNode of(Map<RequestMappingInfo, HandlerMethod> mappings, JsonMapper mapper) {
        return new OpenApiDocument(mapper).build(mappings);
    }

    private ObjectNode build(Map<RequestMappingInfo, HandlerMethod> mappings) {
        ObjectNode document = NODES.objectNode().put("openapi", "3.1.0");
        document.putObject("info").put("title", "LwM2M provisioning server admin API").put("version", "v1")
                .put("description", "Devices, DM servers, profiles, credentials, certificates, API keys and the audit log. "
                        + "Errors are RFC 9457 problem+json; lists page with ?limit=&cursor= and a Link rel=\"next\" header.");
        document.putArray("security").addObject().putArray("bearer");
        Map<String, ObjectNode> paths = new TreeMap<>();
        mappings.entrySet().stream()
                .sorted(Comparator.comparing(e -> e.getValue().getMethod().getName()))
                .forEach(e -> addOperations(paths, e.getKey(), e.getValue()));
        ObjectNode pathsNode = document.putObject("paths");
        paths.forEach(pathsNode::set);
        ObjectNode components = document.putObject("components");
        components.putObject("securitySchemes").putObject("bearer").put("type", "http").put("scheme", "bearer")
                .put("description", "An API key (bsk_…) or, when configured, a JWT from the configured issuer");
        ObjectNode schemaNodes = components.putObject("schemas");
        schemaNodes.set("Problem", problemSchema());
        schemas.components().forEach(schemaNodes::set);
        return document;
    }

    private void addOperations(Map<String, ObjectNode> paths, RequestMappingInfo info, HandlerMethod handler) {
        Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
        for (String pattern : info.getPatternValues()) {
            if (!pattern.startsWith(API_PREFIX) || methods.isEmpty()) {
                continue;
            }
            ObjectNode path = paths.computeIfAbsent(pattern, p -> NODES.objectNode());
            for (RequestMethod method : methods) {
                ObjectNode operation = operation(info, handler);
                ObjectNode existing = (ObjectNode) path.get(method.name().toLowerCase());
                // One operation answering in several media types from two handlers (rows as JSON or NDJSON).
                path.set(method.name().toLowerCase(), existing == null ? operation : Operations.merge(existing, operation));
            }
        }
    }

    private ObjectNode operation(RequestMappingInfo info, HandlerMethod handler) {
        String tag = handler.getBeanType().getSimpleName().replace("Controller", "");
        Operation described = handler.getMethodAnnotation(Operation.class);
        ObjectNode operation = NODES.objectNode().put("operationId", described != null ? described.id()
                : lowerFirst(tag) + "_" + handler.getMethod().getName());
        if (described != null) {
            operation.put("summary", described.summary());
        }
        operation.putArray("tags").add(tag);
        if (isPublic(handler)) {
            operation.putArray("security"); // no credentials needed
        }
        ArrayNode parameters = NODES.arrayNode();
        for (MethodParameter parameter : handler.getMethodParameters()) {
            parameter.initParameterNameDiscovery(PARAMETER_NAMES);
            ObjectNode parameterNode = parameter(parameter);
            if (parameterNode != null) {
                parameters.add(parameterNode);
            }
            RequestBody body = parameter.getParameterAnnotation(RequestBody.class);
            if (body != null) {
                ObjectNode requestBody = operation.putObject("requestBody").put("required", body.required());
                content(requestBody, consumes(info), schemas.schema(javaType(parameter.getGenericParameterType())));
            }
        }
        if (!parameters.isEmpty()) {
            operation.set("parameters", parameters);
        }
        if (!operation.has("requestBody") && !info.getConsumesCondition().isEmpty()) {
            // A handler that streams its body itself (bulk import): the file, raw or as a form's part.
            operation.set("requestBody", Operations.fileUpload(consumes(info)));
        }
        ObjectNode responses = operation.putObject("responses");
        Type body = responseBody(handler);
        for (int status : successStatuses(handler, described)) {
            ObjectNode success = responses.putObject(Integer.toString(status)).put("description", Operations.describe(status));
            if (status != 204 && body != null) {
                content(success, produces(info), schemas.schema(javaType(body)));
            } else if (status != 204 && !info.getProducesCondition().isEmpty()) {
                content(success, produces(info), NODES.objectNode().put("type", "string").put("format", "binary"));
            }
        }
        for (int status : Operations.errors(handler, operation, isPublic(handler), described)) {
            content(responses.putObject(Integer.toString(status)).put("description", Operations.describe(status)),
                    List.of(MediaType.APPLICATION_PROBLEM_JSON_VALUE), NODES.objectNode().put("$ref", PROBLEM));
        }
        content(responses.putObject("default").put("description", "an unexpected error, as RFC 9457 problem+json"),
                List.of(MediaType.APPLICATION_PROBLEM_JSON_VALUE), NODES.objectNode().put("$ref", PROBLEM));
        return operation;
    }

    private ObjectNode parameter(MethodParameter parameter) {
        String in;
        String name;
        boolean required;
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        if (path != null) {
            in = "path";
            name = path.name();
            required = true;
        } else if (query != null) {
            in = "query";
            name = query.name();
            required = query.required() && ValueConstants.DEFAULT_NONE.equals(query.defaultValue());
        } else if (header != null) {
            in = "header";
            name = header.name();
            required = header.required() && ValueConstants.DEFAULT_NONE.equals(header.defaultValue());
        } else {
            return null;
        }
        ObjectNode described = NODES.objectNode()
                .put("name", name.isEmpty() ? parameter.getParameterName() : name).put("in", in).put("required", required);
        described.set("schema", schemas.schema(javaType(parameter.getGenericParameterType())));
        return described;
    }

    /** The body type a handler writes: a ResponseEntity's type argument, or the return type; null for none. */
    private static Type responseBody(HandlerMethod handler) {
        ResolvableType returned = ResolvableType.forMethodReturnType(handler.getMethod());
        if (HttpEntity.class.isAssignableFrom(returned.toClass())) {
            returned = returned.as(HttpEntity.class).getGeneric(0);
        }
        Class<?> raw = returned.toClass();
        return raw == void.class || raw == Void.class ? null : returned.getType();
    }

    private static int[] successStatuses(HandlerMethod handler, Operation described) {
        if (described != null && described.success().length > 0) {
            return described.success();
        }
        ResponseStatus status = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), ResponseStatus.class);
        return new int[] {status != null ? status.code().value() : 200};
    }

    /** Operations without {@code @PreAuthorize} on the method or its controller answer without credentials. */
    private static boolean isPublic(HandlerMethod handler) {
        return !handler.hasMethodAnnotation(PreAuthorize.class)
                && AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), PreAuthorize.class) == null;
    }

    private static void content(ObjectNode holder, List<String> mediaTypes, ObjectNode schema) {
        ObjectNode content = holder.putObject("content");
        for (String mediaType : mediaTypes) {
            content.putObject(mediaType).set("schema", schema);
        }
    }

    private static List<String> consumes(RequestMappingInfo info) {
        List<String> types = info.getConsumesCondition().getConsumableMediaTypes().stream().map(MediaType::toString).toList();
        return types.isEmpty() ? List.of(MediaType.APPLICATION_JSON_VALUE) : types;
    }

    private static List<String> produces(RequestMappingInfo info) {
        List<String> types = info.getProducesCondition().getProducibleMediaTypes().stream().map(MediaType::toString).toList();
        return types.isEmpty() ? List.of(MediaType.APPLICATION_JSON_VALUE) : types;
    }

    private JavaType javaType(Type type) {
        return mapper.getTypeFactory().constructType(type);
    }

    private static ObjectNode problemSchema() {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("type").put("type", "string").put("format", "uri");
        properties.putObject("title").put("type", "string");
        properties.putObject("status").put("type", "integer");
        properties.putObject("detail").put("type", "string");
        properties.putObject("instance").put("type", "string");
        properties.putObject("requestId").put("type", "string");
        ObjectNode error = properties.putObject("errors").put("type", "array").putObject("items").put("type", "object");
        error.putObject("properties").putObject("field").put("type", "string");
        ((ObjectNode) error.get("properties")).putObject("message").put("type", "string");
        return schema;
    }

    private static String lowerFirst(String name) {
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
