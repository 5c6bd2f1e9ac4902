package org.chestlens.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Arrays;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.accounts.ApiTokenService;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** The REST API end to end: real pipeline (tiny test models), real PostgreSQL, real security chain. */
class AnalysisApiTest extends KaribuTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountService accounts;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    ObjectMapper json;

    private static MockMultipartFile xray(String name) {
        return new MockMultipartFile("file", name, "image/png", TestImages.png(TestImages.phantomChest(320, 300, 7)));
    }

    private String token(String prefix) {
        Account account = accounts.register(TestAccounts.uniqueEmail(prefix), "Api " + prefix, TestAccounts.PASSWORD);
        return "Bearer " + tokens.create(account.getId(), "test", Duration.ofDays(1)).secret();
    }

    private JsonNode body(ResultActions result) throws Exception {
        return json.readTree(result.andReturn().getResponse().getContentAsByteArray());
    }

    @Test
    void anonymousUploadGivesAResultReachableByItsIdWithImagesAndAReport() throws Exception {
        JsonNode created = body(mvc.perform(multipart("/api/v1/analyses").file(xray("chest.png")))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", org.hamcrest.Matchers.startsWith("/api/v1/analyses/"))));
        String id = created.get("id").asText();
        assertThat(id).hasSizeGreaterThanOrEqualTo(22);
        assertThat(created.get("status").asText()).isIn("COMPLETED", "REJECTED");
        assertThat(created.get("expiresAt").isNull()).isFalse();
        assertThat(created.get("model").get("version").asText()).isNotBlank();

        mvc.perform(get("/api/v1/analyses/" + id)).andExpect(status().isOk()).andExpect(jsonPath("$.id").value(id));
        mvc.perform(get("/api/v1/analyses/" + id + "/image"))
                .andExpect(status().isOk()).andExpect(content().contentTypeCompatibleWith("image/png"));
        mvc.perform(get("/api/v1/analyses/" + id + "/thumbnail")).andExpect(status().isOk());
        byte[] pdf = mvc.perform(get("/api/v1/analyses/" + id + "/report.pdf"))
                .andExpect(status().isOk()).andExpect(content().contentType(MediaType.APPLICATION_PDF))
                .andReturn().getResponse().getContentAsByteArray();
        assertThat(new String(Arrays.copyOf(pdf, 5))).isEqualTo("%PDF-");
        if (created.get("status").asText().equals("COMPLETED")) {
            String finding = created.get("findings").get(0).get("code").asText();
            // The page's words, the same in the API: the call, the chips and how often a positive call is right.
            JsonNode first = created.get("findings").get(0);
            assertThat(first.get("call").asText()).isIn("Positive", "Possible", "Negative", "Not applicable");
            assertThat(first.get("membersDisagree").isBoolean()).isTrue();
            assertThat(first.get("borderline").isBoolean()).isTrue();
            assertThat(first.get("ppv").asDouble()).isBetween(0.0, 1.0);
            mvc.perform(get("/api/v1/analyses/" + id + "/heatmaps/" + finding))
                    .andExpect(status().isOk()).andExpect(content().contentTypeCompatibleWith("image/png"));
            mvc.perform(get("/api/v1/analyses/" + id + "/anomaly-map")).andExpect(status().isOk());
            mvc.perform(get("/api/v1/analyses/" + id + "/similar?k=3")).andExpect(status().isOk());
        }

        mvc.perform(delete("/api/v1/analyses/" + id)).andExpect(status().isNoContent());
        mvc.perform(get("/api/v1/analyses/" + id)).andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void badUploadsGetProblemJsonWithAClearMessageAndTheServerKeepsServing() throws Exception {
        mvc.perform(multipart("/api/v1/analyses").file(new MockMultipartFile("file", "notes.txt", "text/plain",
                        "this is not an image".getBytes())))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("unsupported-format"))
                .andExpect(jsonPath("$.detail").isNotEmpty());

        byte[] png = TestImages.png(TestImages.phantomChest(320, 300, 3));
        mvc.perform(multipart("/api/v1/analyses").file(new MockMultipartFile("file", "cut.png", "image/png",
                        Arrays.copyOf(png, png.length / 2))))
                .andExpect(status().is4xxClientError())
                .andExpect(jsonPath("$.code").value("corrupt"));
        // Chunks intact, pixel data garbage: refused by decoding, after the upload was written (rolled back).
        mvc.perform(multipart("/api/v1/analyses").file(new MockMultipartFile("file", "garbage.png", "image/png",
                        TestImages.damagedPixelData(png))))
                .andExpect(status().is4xxClientError())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("corrupt"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("could not be read")));

        mvc.perform(multipart("/api/v1/analyses"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.code").value("missing-file"));

        mvc.perform(post("/api/v1/analyses").contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().is4xxClientError())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));

        mvc.perform(get("/api/v1/no-such-endpoint")).andExpect(status().isNotFound()).andExpect(jsonPath("$.code").value("not-found"));
        mvc.perform(get("/api/v1/analyses/not-a-real-id")).andExpect(status().isNotFound());

        mvc.perform(multipart("/api/v1/analyses").file(xray("after.png"))).andExpect(status().isCreated());
    }

    @Test
    void ownedAnalysesArePrivateToTheirOwner() throws Exception {
        String alice = token("alice");
        String bob = token("bob");
        String id = body(mvc.perform(multipart("/api/v1/analyses").file(xray("alice.png")).header("Authorization", alice))
                .andExpect(status().isCreated())).get("id").asText();

        mvc.perform(get("/api/v1/analyses/" + id).header("Authorization", alice)).andExpect(status().isOk())
                .andExpect(jsonPath("$.expiresAt").isEmpty());
        mvc.perform(get("/api/v1/analyses/" + id).header("Authorization", bob)).andExpect(status().isNotFound());
        mvc.perform(get("/api/v1/analyses/" + id)).andExpect(status().isNotFound());
        mvc.perform(get("/api/v1/analyses/" + id + "/image")).andExpect(status().isNotFound());
        mvc.perform(delete("/api/v1/analyses/" + id).header("Authorization", bob)).andExpect(status().isNotFound());

        mvc.perform(get("/api/v1/analyses").header("Authorization", alice))
                .andExpect(status().isOk()).andExpect(jsonPath("$.items[0].id").value(id));
        mvc.perform(get("/api/v1/analyses").header("Authorization", bob))
                .andExpect(status().isOk()).andExpect(jsonPath("$.totalItems").value(0));
        mvc.perform(get("/api/v1/analyses")).andExpect(status().isUnauthorized());
    }

    @Test
    void clinicianManagesPatientsAndStudiesOnlyTheirOwn() throws Exception {
        String carol = token("carol");
        String dave = token("dave");
        JsonNode patient = body(mvc.perform(post("/api/v1/patients").header("Authorization", carol)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"reference\":\"P-API-1\",\"birthYear\":1961,\"sex\":\"FEMALE\"}"))
                .andExpect(status().isCreated()));
        long patientId = patient.get("id").asLong();

        mvc.perform(post("/api/v1/patients").header("Authorization", carol).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"reference\":\"\"}"))
                .andExpect(status().isUnprocessableEntity()).andExpect(jsonPath("$.field").value("reference"));

        String study = body(mvc.perform(multipart("/api/v1/patients/" + patientId + "/analyses").file(xray("study.png"))
                        .param("studyDate", "2026-03-01").param("note", "follow-up").header("Authorization", carol))
                .andExpect(status().isCreated())).get("id").asText();
        mvc.perform(get("/api/v1/patients/" + patientId + "/analyses").header("Authorization", carol))
                .andExpect(status().isOk()).andExpect(jsonPath("$[0].id").value(study))
                .andExpect(jsonPath("$[0].studyDate").value("2026-03-01"));

        mvc.perform(get("/api/v1/patients/" + patientId).header("Authorization", dave)).andExpect(status().isNotFound());
        mvc.perform(delete("/api/v1/patients/" + patientId).header("Authorization", dave)).andExpect(status().isNotFound());
        mvc.perform(multipart("/api/v1/patients/" + patientId + "/analyses").file(xray("x.png")).header("Authorization", dave))
                .andExpect(status().isNotFound());
        mvc.perform(get("/api/v1/patients").header("Authorization", dave))
                .andExpect(status().isOk()).andExpect(jsonPath("$.totalItems").value(0));
        mvc.perform(get("/api/v1/patients")).andExpect(status().isUnauthorized());

        mvc.perform(put("/api/v1/analyses/" + study + "/feedback").header("Authorization", carol)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"verdicts\":{},\"note\":\"reviewed\"}"))
                .andExpect(status().isOk()).andExpect(jsonPath("$.note").value("reviewed"));
        mvc.perform(put("/api/v1/analyses/" + study + "/feedback").header("Authorization", dave)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"verdicts\":{}}"))
                .andExpect(status().isNotFound());

        mvc.perform(delete("/api/v1/patients/" + patientId).header("Authorization", carol)).andExpect(status().isNoContent());
        mvc.perform(get("/api/v1/analyses/" + study).header("Authorization", carol)).andExpect(status().isNotFound());
    }

    @Test
    void theModelEndpointDescribesFindings() throws Exception {
        mvc.perform(get("/api/v1/model")).andExpect(status().isOk())
                .andExpect(jsonPath("$.available").value(true))
                .andExpect(jsonPath("$.findings[0].code").isNotEmpty())
                // At the threshold, on the validation population: sensitivity, specificity, PPV; and calibration.
                .andExpect(jsonPath("$.findings[1].code").value("pneumonia"))
                .andExpect(jsonPath("$.findings[1].valSensitivity").value(0.8))
                .andExpect(jsonPath("$.findings[1].valSpecificity").value(0.85))
                // 30 positives x 0.8 = 24 true, 70 negatives x 0.15 = 10.5 false positive calls
                .andExpect(jsonPath("$.findings[1].valPpv").value(org.hamcrest.Matchers.closeTo(24 / 34.5, 1e-9)))
                .andExpect(jsonPath("$.findings[1].valPrevalence").value(0.3))
                .andExpect(jsonPath("$.findings[1].valEce").value(0.05))
                .andExpect(jsonPath("$.findings[0].valEce").value(org.hamcrest.Matchers.nullValue()));
    }
}
