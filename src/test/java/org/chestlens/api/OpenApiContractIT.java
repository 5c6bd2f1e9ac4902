package org.chestlens.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.accounts.ApiTokenService;
import org.chestlens.imaging.DicomCorpus;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The served OpenAPI document against the running server (real HTTP, like ApiHttpIT, whose Spring context this
 * shares): the document passes an OpenAPI validator (swagger-parser's), publishes no catch-all operations and no
 * Host-derived server URL, gives every error a problem+json schema, and every response recorded from real calls,
 * successes and errors, validates against it (Atlassian's swagger-request-validator: status documented, media type,
 * body schema including nullability).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiContractIT {

    private static final String DOC = "/api/docs/openapi.json";

    @LocalServerPort
    int port;
    @Autowired
    AccountService accounts;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    ObjectMapper json;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    /** One real exchange: what was asked and what came back. */
    private record Exchange(String method, String path, int status, String contentType, byte[] body) {
        @Override
        public String toString() {
            return method + " " + path + " -> " + status + " " + contentType;
        }
    }

    @Test
    void theServedDocumentIsValidOpenApi() throws Exception {
        String document = get(DOC).bodyText();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document, null, options);
        assertThat(parsed.getMessages()).as("OpenAPI validation messages").isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.0");

        JsonNode doc = json.readTree(document);
        // Before: seven operations (GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH) for the /api/** fallback.
        assertThat(doc.get("paths").fieldNames()).toIterable().noneMatch(path -> path.contains("*"));
        // Before: 200 for every operation, whatever the handler answered, and no error response at all.
        JsonNode analyses = doc.at("/paths/~1api~1v1~1analyses/post/responses");
        assertThat(analyses.has("201")).isTrue();
        assertThat(analyses.has("200")).isFalse();
        assertThat(doc.at("/paths/~1api~1v1~1analyses~1{id}/delete/responses").has("204")).isTrue();
        assertThat(doc.at("/paths/~1api~1v1~1patients/post/responses").has("201")).isTrue();
        for (String status : List.of("400", "401", "413", "415", "422")) {
            assertThat(analyses.at("/" + status + "/content/application~1problem+json/schema/$ref").asText())
                    .as(status).isEqualTo("#/components/schemas/Problem");
        }
        // Every 4xx of every operation is problem+json.
        List<String> operationsWithoutErrors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                boolean anyError = false;
                for (Iterator<Map.Entry<String, JsonNode>> responses = op.getValue().get("responses").fields(); responses.hasNext(); ) {
                    Map.Entry<String, JsonNode> response = responses.next();
                    if (response.getKey().startsWith("4")) {
                        anyError = true;
                        assertThat(response.getValue().at("/content/application~1problem+json/schema/$ref").asText())
                                .as(op.getKey() + " " + path.getKey() + " " + response.getKey())
                                .isEqualTo("#/components/schemas/Problem");
                    }
                }
                if (!anyError) {
                    operationsWithoutErrors.add(op.getKey() + " " + path.getKey());
                }
            }
        }
        assertThat(operationsWithoutErrors).isEmpty();
        // Nullable fields are nullable (before: none was).
        assertThat(doc.at("/components/schemas/AnalysisJson/properties/expiresAt/nullable").asBoolean()).isTrue();
        assertThat(doc.at("/components/schemas/AnalysisJson/properties/anomaly/nullable").asBoolean()).isTrue();
        assertThat(doc.at("/components/schemas/AnalysisJson/properties/id/nullable").asBoolean()).isFalse();
    }

    @Test
    void theServerUrlIsNotTakenFromTheHostHeader() throws Exception {
        // Before: servers[0].url was http://<whatever Host the caller sent>.
        String document = rawGet(DOC, "attacker.example:666");
        JsonNode servers = json.readTree(document.substring(document.indexOf("\r\n\r\n") + 4)).get("servers");
        assertThat(servers.toString()).doesNotContain("attacker.example");
        assertThat(servers.get(0).get("url").asText()).isEqualTo("/");
    }

    @Test
    void theDocumentationPageServesSwaggerUi() throws Exception {
        // Before: /api/docs redirected to /api/swagger-ui/index.html, which the /api/** fallback answered with 404.
        HttpResponse<String> docs = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/docs")).build(),
                HttpResponse.BodyHandlers.ofString());
        String location = docs.headers().firstValue("Location").orElse("/api/docs");
        HttpResponse<String> page = docs.statusCode() / 100 == 3
                ? http.send(HttpRequest.newBuilder(URI.create(base()).resolve(location)).build(), HttpResponse.BodyHandlers.ofString())
                : docs;
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui");
        HttpResponse<String> config = http.send(HttpRequest.newBuilder(URI.create(base() + DOC + "/swagger-config")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.body()).contains(DOC);
        // The fallback still answers unknown API paths with problem+json.
        assertThat(get("/api/v1/no-such-thing").status()).isEqualTo(404);
        assertThat(get("/api/swagger").status()).isEqualTo(404);
    }

    @Test
    void recordedLiveResponsesMatchTheDocument() throws Exception {
        OpenApiInteractionValidator validator = OpenApiInteractionValidator
                .createForInlineApiSpecification(get(DOC).bodyText()).build();
        List<Exchange> exchanges = new ArrayList<>();
        Account account = accounts.register(TestAccounts.uniqueEmail("openapi"), "OpenAPI Contract", TestAccounts.PASSWORD);
        String token = "Bearer " + tokens.create(account.getId(), "contract", Duration.ofDays(1)).secret();
        byte[] png = TestImages.png(TestImages.phantomChest(320, 300, 11));

        exchanges.add(call("GET", "/api/v1/model", null, null, null));
        // Anonymous analysis and everything reachable from it.
        Exchange created = call("POST", "/api/v1/analyses", null, multipart(png, "chest.png"), null);
        exchanges.add(created);
        JsonNode analysis = json.readTree(created.body());
        String id = analysis.get("id").asText();
        for (String path : List.of("", "/image", "/thumbnail", "/report.pdf", "/similar?k=3", "/anomaly-map")) {
            exchanges.add(call("GET", "/api/v1/analyses/" + id + path, null, null, null));
        }
        if (analysis.get("findings").size() > 0) {
            exchanges.add(call("GET", "/api/v1/analyses/" + id + "/heatmaps/" + analysis.get("findings").get(0).get("code").asText(),
                    null, null, null));
        }
        // A DICOM upload, a rejected colour image, and refusals.
        exchanges.add(call("POST", "/api/v1/analyses", null,
                multipart(DicomCorpus.committed("generated/gdcm_j2k_lossless_12bit.dcm"), "study.dcm"), null));
        exchanges.add(call("POST", "/api/v1/analyses", null,
                multipart(DicomCorpus.committed("pydicom/JPGExtended.dcm"), "12bit.dcm"), null));
        exchanges.add(call("POST", "/api/v1/analyses", null,
                multipart(TestImages.png(TestImages.colourPattern(300, 300)), "colour.png"), null));
        exchanges.add(call("POST", "/api/v1/analyses", null, multipart("not an image".getBytes(), "notes.txt"), null));
        exchanges.add(call("POST", "/api/v1/analyses", null, multipart(java.util.Arrays.copyOf(png, 200), "cut.png"), null));
        exchanges.add(call("POST", "/api/v1/analyses", null,
                multipart(DicomCorpus.committed("generated/gdcm_jpegls_lossless_12bit.dcm"), "jpeg-ls.dcm"), null));
        exchanges.add(call("GET", "/api/v1/analyses/no-such-analysis", null, null, null));
        exchanges.add(call("GET", "/api/v1/analyses", null, null, null));
        exchanges.add(call("GET", "/api/v1/me", null, null, "Bearer not-a-token"));

        // A clinician with a token: account, patients, studies, feedback, claim, deletes.
        exchanges.add(call("GET", "/api/v1/me", null, null, token));
        exchanges.add(call("POST", "/api/v1/analyses/" + id + "/claim", null, null, token));
        exchanges.add(call("GET", "/api/v1/analyses?page=0&size=5", null, null, token));
        exchanges.add(call("GET", "/api/v1/analyses/" + id, null, null, token));
        exchanges.add(call("GET", "/api/v1/analyses/" + id + "/feedback", null, null, token));
        String verdict = analysis.get("findings").size() > 0
                ? "{\"" + analysis.get("findings").get(0).get("code").asText() + "\":\"CONFIRMED\"}" : "{}";
        exchanges.add(call("PUT", "/api/v1/analyses/" + id + "/feedback", json("{\"verdicts\":" + verdict + ",\"note\":\"ok\"}"), null, token));
        exchanges.add(call("PUT", "/api/v1/analyses/" + id + "/feedback", json("{\"verdicts\":{},\"note\":null}"), null, token));
        Exchange patient = call("POST", "/api/v1/patients", json("{\"reference\":\"OA-" + System.nanoTime() + "\"}"), null, token);
        exchanges.add(patient);
        long patientId = json.readTree(patient.body()).get("id").asLong();
        exchanges.add(call("POST", "/api/v1/patients", json("{\"reference\":\"\"}"), null, token));
        exchanges.add(call("GET", "/api/v1/patients?q=OA", null, null, token));
        exchanges.add(call("GET", "/api/v1/patients/" + patientId, null, null, token));
        exchanges.add(call("PUT", "/api/v1/patients/" + patientId,
                json("{\"reference\":\"OA-" + System.nanoTime() + "\",\"name\":\"Ann Example\",\"birthYear\":1960,\"sex\":\"FEMALE\"}"),
                null, token));
        exchanges.add(call("GET", "/api/v1/patients/" + patientId, null, null, token));
        Exchange study = call("POST", "/api/v1/patients/" + patientId + "/analyses?studyDate=2024-03-01", null,
                multipart(png, "study.png"), token);
        exchanges.add(study);
        exchanges.add(call("GET", "/api/v1/patients/" + patientId + "/analyses", null, null, token));
        // The worklist: the claimed analysis (feedback withdrawn, no patient, no study date) and the patient's study.
        Exchange worklist = call("GET", "/api/v1/worklist", null, null, token);
        exchanges.add(worklist);
        long completed = java.util.stream.Stream.of(analysis, json.readTree(study.body()))
                .filter(a -> a.get("status").asText().equals("COMPLETED")).count();
        assertThat(json.readTree(worklist.body()).get("items").size()).as("items whose schema is checked").isEqualTo((int) completed);
        exchanges.add(call("GET", "/api/v1/worklist?finding=pneumonia&from=2024-01-01&to=2024-12-31&page=0&size=5", null, null, token));
        exchanges.add(call("GET", "/api/v1/worklist?finding=no-such-finding", null, null, token));
        exchanges.add(call("GET", "/api/v1/worklist?from=2024-13-01", null, null, token));
        exchanges.add(call("GET", "/api/v1/worklist", null, null, null));
        exchanges.add(call("PUT", "/api/v1/patients/" + patientId + "/analyses/" + id, null, null, token));
        exchanges.add(call("DELETE", "/api/v1/patients/" + patientId + "/analyses/" + id, null, null, token));
        exchanges.add(call("GET", "/api/v1/patients/999999999", null, null, token));
        exchanges.add(call("GET", "/api/v1/patients/not-a-number", null, null, token));
        // Batches: several files, a ZIP body, the batch, someone else's, refusals.
        Exchange batch = call("POST", "/api/v1/batches", null, multipart(png, "a.png"), token);
        exchanges.add(batch);
        String batchId = json.readTree(batch.body()).get("id").asText();
        exchanges.add(call("POST", "/api/v1/batches", null,
                new Body("application/zip", org.chestlens.batches.TestZips.zip().add("x.png", png).add("../y.png", png).bytes()), token));
        exchanges.add(call("GET", "/api/v1/batches/" + batchId, null, null, token));
        exchanges.add(call("GET", "/api/v1/batches/" + batchId, null, null, null));
        exchanges.add(call("GET", "/api/v1/batches/no-such-batch", null, null, token));
        exchanges.add(call("POST", "/api/v1/batches?patientId=999999999", null, multipart(png, "a.png"), token));
        exchanges.add(call("POST", "/api/v1/batches", null, multipart(png, "a.png"), null));
        exchanges.add(call("DELETE", "/api/v1/analyses/" + id, null, null, token));
        exchanges.add(call("DELETE", "/api/v1/patients/" + patientId, null, null, token));

        Set<Integer> statuses = new HashSet<>();
        List<String> failures = new ArrayList<>();
        for (Exchange exchange : exchanges) {
            statuses.add(exchange.status());
            if (exchange.status() >= 500) {
                failures.add(exchange + ": a server error");
            }
            SimpleResponse.Builder response = SimpleResponse.Builder.status(exchange.status());
            if (exchange.contentType() != null) {
                response.withContentType(exchange.contentType());
            }
            if (exchange.contentType() != null && exchange.contentType().contains("json")) {
                response.withBody(new String(exchange.body(), StandardCharsets.UTF_8));
            } else if (exchange.body().length > 0) {
                response.withBody(exchange.body());
            }
            String path = exchange.path().contains("?") ? exchange.path().substring(0, exchange.path().indexOf('?')) : exchange.path();
            ValidationReport report = validator.validateResponse(path, Request.Method.valueOf(exchange.method()), response.build());
            if (report.hasErrors()) {
                failures.add(exchange + ": " + report.getMessages());
            }
        }
        assertThat(failures).isEmpty();
        assertThat(statuses).contains(200, 201, 202, 204, 400, 401, 404, 415, 422);
    }

    private record Body(String contentType, byte[] bytes) {
    }

    private static Body json(String text) {
        return new Body("application/json", text.getBytes(StandardCharsets.UTF_8));
    }

    private static Body multipart(byte[] file, String name) {
        String boundary = "contract-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return new Body("multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    private Exchange call(String method, String path, Body json, Body multipart, String authorization) throws Exception {
        Body body = json != null ? json : multipart;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
        if (body != null) {
            request.header("Content-Type", body.contentType());
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Exchange(method, path, response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                response.body());
    }

    private record Got(int status, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private Got get(String path) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(base() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return new Got(response.statusCode(), response.body());
    }

    /** A GET with a Host header of our choosing (java.net.http refuses to set one). */
    private String rawGet(String path, String host) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            // Latin-1 keeps one char per byte, so chunk sizes (in bytes) index the string.
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 200");
            if (response.toLowerCase().contains("transfer-encoding: chunked")) {
                return dechunk(response);
            }
            return response;
        }
    }

    private static String dechunk(String response) {
        int start = response.indexOf("\r\n\r\n") + 4;
        StringBuilder body = new StringBuilder();
        int at = start;
        while (true) {
            int lineEnd = response.indexOf("\r\n", at);
            int size = Integer.parseInt(response.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            body.append(response, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return response.substring(0, start) + body;
    }

    private String base() {
        return "http://localhost:" + port;
    }
}
