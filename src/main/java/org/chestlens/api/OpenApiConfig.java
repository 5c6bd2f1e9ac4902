package org.chestlens.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.method.HandlerMethod;

/**
 * The OpenAPI document (served at /api/docs/openapi.json, browsable at /api/docs). What springdoc infers from the
 * handlers is completed here so that the document says what the server does: every error response is an RFC 9457
 * problem+json ({@link #PROBLEM}) under the statuses the handler can answer with, success bodies carry their real
 * media types, fields that can be null are nullable, and the server URL is relative (never the caller's Host
 * header). {@code OpenApiContractIT} validates the served document and checks recorded live responses against it.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    static final String PROBLEM = "Problem";

    /**
     * Record components that are null in some responses (Jackson writes them as null). Kept here, next to the
     * document, rather than as annotations on the records of other packages.
     */
    private static final Map<String, Set<String>> NULLABLE = Map.of(
            "AnalysisJson", Set.of("rejection", "anomaly", "fileName", "patientId", "studyDate", "note", "expiresAt"),
            "SummaryJson", Set.of("studyDate", "patientId", "fileName"),
            "PatientJson", Set.of("name", "birthYear", "sex", "notes", "lastStudyDate"),
            "PatientDetails", Set.of("name", "birthYear", "sex", "notes"),
            "FeedbackJson", Set.of("note"),
            "ModelJson", Set.of("unavailableReason", "model"),
            "SimilarJson", Set.of("diagnosis"),
            "FindingJson", Set.of("condition"),
            "FindingDescription", Set.of("valPopulation", "condition"),
            "Problem", Set.of("instance", "field"));

    @Bean
    OpenAPI chestLensOpenApi() {
        return new OpenAPI()
                .info(new Info().title("ChestLens API").version("v1")
                        .description("Everything the ChestLens UI does, for scripts and other systems. "
                                + "Anonymous callers may analyse images and read those results by their unguessable id; "
                                + "clinicians use a personal token (Profile → API tokens) as `Authorization: Bearer <token>`. "
                                + "Errors are RFC 9457 problem+json with a stable 'code'. Decision support for education "
                                + "and research, not a medical diagnosis."))
                // Relative: the document is the same whatever Host header a caller sends (springdoc would otherwise
                // write the request's own host and port here).
                .servers(List.of(new Server().url("/").description("This ChestLens server")))
                .components(new Components()
                        .addSecuritySchemes("token", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer"))
                        .addSchemas(PROBLEM, problemSchema()));
    }

    private static Schema<?> problemSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", new StringSchema().format("uri").description("https://chestlens.org/problems/<code>"));
        properties.put("title", new StringSchema().description("Short summary of the kind of problem"));
        properties.put("status", new IntegerSchema().description("The HTTP status"));
        properties.put("detail", new StringSchema().description("What went wrong and what to do, for a person"));
        properties.put("instance", new StringSchema().format("uri").description("The request path"));
        properties.put("code", new StringSchema().description("Stable machine code, e.g. not-found, unauthorized, "
                + "unsupported-format, too-many-pixels, corrupt, dicom-unsupported, invalid-patient"));
        properties.put("field", new StringSchema().description("The input field at fault, where there is one"));
        ObjectSchema problem = new ObjectSchema();
        problem.setProperties(properties);
        problem.setRequired(List.of("type", "title", "status", "detail", "code"));
        problem.setDescription("RFC 9457 problem details, with a stable code");
        return problem;
    }

    /** The statuses each handler can answer with, from what it takes and who may call it. */
    @Bean
    OperationCustomizer errorResponses() {
        return (operation, handler) -> {
            ApiResponses responses = operation.getResponses();
            successMediaTypes(operation, handler);
            boolean pathVariables = hasParameter(handler, PathVariable.class);
            boolean parameters = pathVariables || hasParameter(handler, RequestParam.class);
            boolean jsonBody = hasParameter(handler, RequestBody.class);
            boolean upload = hasParameter(handler, RequestPart.class);
            String rule = accessRule(handler);
            if (parameters || jsonBody || upload) {
                responses.addApiResponse("400", problem("The request is malformed or a parameter is not valid "
                        + "(codes invalid-request, missing-file, invalid-details, http-400)"));
            }
            responses.addApiResponse("401", problem(rule.equals("permitAll()")
                    ? "An Authorization header was sent with an unknown, revoked or expired token (code invalid-token)"
                    : "No valid token was sent (codes unauthorized, invalid-token)"));
            if (rule.contains("hasRole")) {
                responses.addApiResponse("403", problem("The account may not use this operation (code forbidden)"));
            }
            if (pathVariables) {
                responses.addApiResponse("404", problem("No such resource, or not yours: both answer alike (code not-found)"));
            }
            if (upload) {
                responses.addApiResponse("413", problem("The file is larger than the upload limit (code too-large)"));
                responses.addApiResponse("415", problem("The file is not PNG, JPEG or DICOM (code unsupported-format)"));
                responses.addApiResponse("422", problem("The image was refused: corrupt, too-many-pixels, too-small, "
                        + "dicom-not-image, dicom-multiframe or dicom-unsupported"));
                responses.addApiResponse("503", problem("Analysis is unavailable (no models loaded) or the server is "
                        + "busy; try again later (code unavailable)"));
            } else if (jsonBody) {
                responses.addApiResponse("422", problem("The details are not valid (code invalid-patient, with the field)"));
            }
            return operation;
        };
    }

    /** Nullable fields, and success codes without a body answered as such. */
    @Bean
    OpenApiCustomizer nullableFields() {
        return openApi -> {
            Map<String, Schema> schemas = openApi.getComponents().getSchemas();
            NULLABLE.forEach((schema, fields) -> {
                Schema<?> model = schemas.get(schema);
                if (model == null || model.getProperties() == null) {
                    return;
                }
                for (String field : fields) {
                    Schema<?> property = model.getProperties().get(field);
                    if (property == null) {
                        throw new IllegalStateException("OpenApiConfig.NULLABLE names " + schema + "." + field
                                + ", which the document does not have");
                    }
                    if (property.get$ref() != null) {
                        // OpenAPI 3.0 ignores nullable next to a $ref (and validators reject null through allOf):
                        // the referenced object is written inline, nullable.
                        Schema<?> target = schemas.get(property.get$ref().substring(property.get$ref().lastIndexOf('/') + 1));
                        ObjectSchema inline = new ObjectSchema();
                        inline.setProperties(target.getProperties());
                        inline.setRequired(target.getRequired());
                        inline.setDescription(target.getDescription());
                        inline.setNullable(true);
                        model.getProperties().put(field, inline);
                    } else {
                        property.setNullable(true);
                    }
                }
            });
        };
    }

    private static void successMediaTypes(Operation operation, HandlerMethod handler) {
        ApiResponse ok = operation.getResponses().values().stream().findFirst().orElse(null);
        if (ok == null || ok.getContent() == null) {
            return;
        }
        Content content = ok.getContent();
        MediaType any = content.get("*/*");
        if (any == null) {
            return;
        }
        content.remove("*/*");
        if (handler.getMethod().getGenericReturnType().getTypeName().contains("byte[]")) {
            Schema<?> binary = new StringSchema().format("binary");
            content.addMediaType("image/png", new MediaType().schema(binary));
            if (handler.getMethod().getName().equals("image")) {
                content.addMediaType("image/jpeg", new MediaType().schema(binary)); // JPEG uploads are kept as JPEG
            }
        } else {
            content.addMediaType("application/json", any);
        }
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType(
                "application/problem+json", new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }

    private static boolean hasParameter(HandlerMethod handler, Class<? extends java.lang.annotation.Annotation> kind) {
        for (var parameter : handler.getMethodParameters()) {
            if (parameter.hasParameterAnnotation(kind)) {
                return true;
            }
        }
        return false;
    }

    private static String accessRule(HandlerMethod handler) {
        PreAuthorize rule = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), PreAuthorize.class);
        if (rule == null) {
            rule = AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), PreAuthorize.class);
        }
        return rule == null ? "" : rule.value();
    }
}
