package org.chestlens.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.accounts.ApiTokenService;
import org.chestlens.analysis.TestDicom;
import org.chestlens.batches.TestZips;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * POST /api/v1/batches (multipart files, or a ZIP body) and GET /api/v1/batches/{id} on the real application and
 * PostgreSQL: each file becomes a durable job that stores its analysis; hostile archives are refused per entry
 * while the rest go on; only the owner sees a batch.
 */
class BatchApiTest extends KaribuTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountService accounts;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    ObjectMapper json;
    @Autowired
    JdbcTemplate jdbc;

    private String token;

    @BeforeEach
    void clinician() {
        Account account = accounts.register(TestAccounts.uniqueEmail("batch"), "Batch Clinician", TestAccounts.PASSWORD);
        token = "Bearer " + tokens.create(account.getId(), "batch", Duration.ofDays(1)).secret();
    }

    private static byte[] chest(long seed) {
        return TestImages.png(TestImages.phantomChest(320, 300, seed));
    }

    @Test
    void severalFilesBecomeOneBatchWhoseFilesAreAnalysedAndLinked() throws Exception {
        MvcResult created = mvc.perform(multipart("/api/v1/batches")
                        .file(new MockMultipartFile("file", "a.png", "image/png", chest(1)))
                        .file(new MockMultipartFile("file", "b.png", "image/png", chest(2)))
                        .file(new MockMultipartFile("file", "notes.txt", "text/plain", "not an image".getBytes()))
                        .header("Authorization", token))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", org.hamcrest.Matchers.startsWith("/api/v1/batches/")))
                .andExpect(jsonPath("$.items.length()").value(3))
                .andExpect(jsonPath("$.items[2].status").value("REFUSED"))
                .andExpect(jsonPath("$.items[2].reason").value(org.hamcrest.Matchers.containsString("not a PNG, JPEG or DICOM")))
                .andReturn();
        String location = created.getResponse().getHeader("Location");

        JsonNode batch = awaitComplete(location);
        assertThat(batch.at("/counts/DONE").asInt()).isEqualTo(2);
        assertThat(batch.at("/counts/REFUSED").asInt()).isEqualTo(1);
        for (int i = 0; i < 2; i++) {
            JsonNode item = batch.get("items").get(i);
            assertThat(item.get("status").asText()).isEqualTo("DONE");
            String analysis = item.at("/links/analysis").asText();
            mvc.perform(get(analysis).header("Authorization", token)).andExpect(status().isOk())
                    .andExpect(jsonPath("$.fileName").value(item.get("fileName").asText()));
        }
    }

    @Test
    void hostileEntriesOfAZipAreRefusedOneByOneAndTheRestGoOn() throws Exception {
        byte[] zeros = new byte[40 << 20]; // over the 30 MB file limit once unpacked, ~40 KB packed
        byte[] smallBomb = new byte[5 << 20]; // under the limit, but ~1000x its packed size
        byte[] zip = TestZips.zip()
                .add("studies/good.png", chest(3))
                .add("../../etc/evil.png", chest(4))
                .add("/absolute.png", chest(5))
                .add("studies/inner.zip", TestZips.zip().add("x.png", chest(6)).bytes())
                .add("bomb.dcm", zeros)
                .add("small-bomb.png", smallBomb)
                .add("readme.txt", "hello".getBytes(StandardCharsets.UTF_8))
                .add("__MACOSX/studies/._good.png", new byte[] {0, 5, 22, 7})
                .add("studies/", new byte[0])
                .bytes();

        MvcResult created = mvc.perform(post("/api/v1/batches").contentType("application/zip").content(zip)
                        .header("Content-Disposition", "attachment; filename=\"ward.zip\"")
                        .header("Authorization", token))
                .andExpect(status().isAccepted())
                .andReturn();
        JsonNode items = json.readTree(created.getResponse().getContentAsByteArray()).get("items");
        List<String> lines = new ArrayList<>();
        items.forEach(i -> lines.add(i.get("fileName").asText() + " " + i.get("status").asText() + " "
                + (i.get("reason").isNull() ? "" : i.get("reason").asText())));

        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).startsWith("ward.zip/studies/good.png ").doesNotContain("REFUSED");
        assertThat(lines.get(1)).startsWith("ward.zip/../../etc/evil.png REFUSED").contains("leaves the archive's folder");
        assertThat(lines.get(2)).startsWith("ward.zip//absolute.png REFUSED").contains("leaves the archive's folder");
        assertThat(lines.get(3)).startsWith("ward.zip/studies/inner.zip REFUSED").contains("archive inside the archive");
        assertThat(lines.get(4)).startsWith("ward.zip/bomb.dcm REFUSED").contains("more than 30 MB");
        assertThat(lines.get(5)).startsWith("ward.zip/small-bomb.png REFUSED").contains("ZIP bomb");
        assertThat(lines.get(6)).startsWith("ward.zip/readme.txt REFUSED").contains("not a PNG, JPEG or DICOM");

        JsonNode batch = awaitComplete(created.getResponse().getHeader("Location"));
        assertThat(batch.at("/items/0/status").asText()).isEqualTo("DONE");
        assertThat(batch.at("/counts/DONE").asInt()).isEqualTo(1);
        assertThat(batch.at("/counts/REFUSED").asInt()).isEqualTo(6);
    }

    @Test
    void anArchiveWithMoreEntriesThanABatchHoldsKeepsTheFirstAndSaysTheRestWereNotRead() throws Exception {
        TestZips zip = TestZips.zip();
        for (int i = 0; i < 520; i++) {
            zip.add("note-" + i + ".txt", ("note " + i).getBytes(StandardCharsets.UTF_8));
        }
        MvcResult created = mvc.perform(post("/api/v1/batches").contentType("application/zip").content(zip.bytes())
                        .header("Authorization", token))
                .andExpect(status().isAccepted()).andReturn();
        JsonNode items = json.readTree(created.getResponse().getContentAsByteArray()).get("items");
        assertThat(items.size()).isEqualTo(501);
        assertThat(items.get(500).get("reason").asText()).contains("at most 500 files");
    }

    @Test
    void dicomFilesAreFiledUnderDerivedPatientReferencesWithTheirStudyDatesAndTheIdIsNotStored() throws Exception {
        byte[] first = TestDicom.of(TestImages.phantomChest(256, 256, 7), "HOSP-778812", "20240301");
        byte[] second = TestDicom.of(TestImages.phantomChest(256, 256, 8), "HOSP-778812", "20240415");
        byte[] other = TestDicom.of(TestImages.phantomChest(256, 256, 9), "HOSP-000042", "20230102");
        byte[] zip = TestZips.zip().add("a.dcm", first).add("b.dcm", second).add("c.dcm", other).bytes();

        MvcResult created = mvc.perform(multipart("/api/v1/batches")
                        .file(new MockMultipartFile("file", "dicoms.zip", "application/zip", zip))
                        .header("Authorization", token))
                .andExpect(status().isAccepted()).andReturn();
        JsonNode batch = awaitComplete(created.getResponse().getHeader("Location"));
        JsonNode items = batch.get("items");

        assertThat(items.get(0).get("patientReference").asText()).matches("DICOM-[0-9A-F]{10}")
                .isEqualTo(items.get(1).get("patientReference").asText())
                .isNotEqualTo(items.get(2).get("patientReference").asText());
        assertThat(items.get(0).get("studyDate").asText()).isEqualTo("2024-03-01");
        assertThat(items.get(1).get("studyDate").asText()).isEqualTo("2024-04-15");
        long patient = items.get(0).get("patientId").asLong();
        mvc.perform(get("/api/v1/patients/" + patient + "/analyses").header("Authorization", token))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(2));
        String analysis = items.get(0).at("/links/analysis").asText();
        mvc.perform(get(analysis).header("Authorization", token)).andExpect(jsonPath("$.studyDate").value("2024-03-01"))
                .andExpect(jsonPath("$.patientId").value(patient));
        assertThat(jdbc.queryForObject("select count(*) from patient where reference like '%778812%' or name like '%778812%'"
                + " or notes like '%778812%'", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from batch_item where file_name like '%HOSP%'"
                + " or reason like '%HOSP%' or position(convert_to('HOSP-778812', 'UTF8') in coalesce(content, ''::bytea)) > 0",
                Integer.class)).as("nothing of the batch keeps the DICOM patient ID once analysed").isZero();
    }

    @Test
    void onlyTheOwnerSeesABatchAndBadRequestsGetProblemJson() throws Exception {
        MvcResult created = mvc.perform(multipart("/api/v1/batches")
                        .file(new MockMultipartFile("file", "a.png", "image/png", chest(11)))
                        .header("Authorization", token))
                .andExpect(status().isAccepted()).andReturn();
        String location = created.getResponse().getHeader("Location");

        Account other = accounts.register(TestAccounts.uniqueEmail("batch-other"), "Other", TestAccounts.PASSWORD);
        String otherToken = "Bearer " + tokens.create(other.getId(), "other", Duration.ofDays(1)).secret();
        mvc.perform(get(location).header("Authorization", otherToken))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("not-found"));
        mvc.perform(get(location)).andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        mvc.perform(get("/api/v1/batches/no-such-batch").header("Authorization", token)).andExpect(status().isNotFound());
        mvc.perform(multipart("/api/v1/batches").file(new MockMultipartFile("file", "a.png", "image/png", chest(12))))
                .andExpect(status().isUnauthorized());
        mvc.perform(multipart("/api/v1/batches").file(new MockMultipartFile("other", "a.png", "image/png", chest(12)))
                        .header("Authorization", token))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("missing-file"));
        mvc.perform(multipart("/api/v1/batches").file(new MockMultipartFile("file", "a.png", "image/png", chest(12)))
                        .param("patientId", "999999999").header("Authorization", token))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.code").value("not-found"));
        // Neither multipart nor a ZIP: answered like every API route without a handler for it (ApiFallback).
        mvc.perform(post("/api/v1/batches").contentType(MediaType.TEXT_PLAIN).content("hello").header("Authorization", token))
                .andExpect(status().is4xxClientError())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void theOpenApiDocumentDescribesBothWaysToPostABatchAndTheNullableItemFields() throws Exception {
        JsonNode doc = json.readTree(mvc.perform(get("/api/docs/openapi.json")).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsByteArray());
        JsonNode post = doc.at("/paths/~1api~1v1~1batches/post");
        assertThat(post.at("/requestBody/content").fieldNames()).toIterable()
                .contains("multipart/form-data", "application/zip");
        assertThat(post.at("/responses").fieldNames()).toIterable().contains("202", "400", "401", "404", "413");
        assertThat(post.at("/responses/202/content").fieldNames()).toIterable().containsExactly("application/json");
        assertThat(post.at("/requestBody/content/multipart~1form-data/schema/$ref").asText()).endsWith("BatchForm");
        assertThat(doc.at("/paths/~1api~1v1~1batches~1{id}/get/responses").fieldNames()).toIterable()
                .contains("200", "401", "404");
        for (String field : List.of("reason", "analysisId", "patientId", "patientReference", "studyDate")) {
            assertThat(doc.at("/components/schemas/ItemJson/properties/" + field + "/nullable").asBoolean()).as(field).isTrue();
        }
        assertThat(doc.at("/components/schemas/ItemJson/properties/status/nullable").asBoolean()).isFalse();
    }

    /** Polls the batch until every file has its outcome; generous for a busy 2-core machine. */
    private JsonNode awaitComplete(String location) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (true) {
            JsonNode batch = json.readTree(mvc.perform(get(location).header("Authorization", token))
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray());
            if (batch.get("complete").asBoolean()) {
                return batch;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Batch not complete: " + batch);
            }
            Thread.sleep(200);
        }
    }
}
