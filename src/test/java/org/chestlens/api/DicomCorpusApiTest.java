package org.chestlens.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.chestlens.KaribuTest;
import org.chestlens.imaging.DicomCorpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Real DICOM files written by other software ({@link DicomCorpus}: the committed subset, and every file of the
 * pydicom wheel when it is on the machine) uploaded through the API: each is analysed (201) or refused with a
 * specific 4xx problem+json code; never a 5xx, never a hang; the server answers afterwards.
 */
class DicomCorpusApiTest extends KaribuTest {

    /** Generous for a busy 2-core machine: a hang, not a slow analysis, is what this catches. */
    private static final Duration PER_FILE = Duration.ofSeconds(90);
    private static final Set<String> UPLOAD_CODES = Set.of("corrupt", "too-small", "too-many-pixels", "unsupported-format",
            "dicom-not-image", "dicom-multiframe", "dicom-unsupported");

    @Autowired
    MockMvc mvc;
    @Autowired
    ObjectMapper json;

    private static final List<String> OUTCOMES = new ArrayList<>();

    @TestFactory
    Stream<DynamicTest> committedCorpus() {
        return DicomCorpus.committed().stream().map(file -> DynamicTest.dynamicTest(file.name(), () -> upload(file)));
    }

    @TestFactory
    Stream<DynamicTest> pydicomWheel() {
        return DicomCorpus.wheel().stream().flatMap(wheel -> DicomCorpus.wheel(wheel).stream())
                .map(file -> DynamicTest.dynamicTest(file.name(), () -> upload(file)));
    }

    @Test
    void theNamedFilesOfTheIssueAreAnalysed() throws Exception {
        // Before: 422 "corrupt" for both, and 422 "dicom-unsupported" for JPEG lossless, JPEG 2000 and 12-bit lossy JPEG.
        for (String name : List.of("pydicom/SC_rgb_jpeg.dcm", "pydicom/SC_ybr_full_422_uncompressed.dcm",
                "generated/dcmtk_jpeg_lossless_sv1_12bit.dcm", "generated/gdcm_j2k_lossless_12bit.dcm",
                "generated/dcmtk_jpeg_extended_12bit.dcm", "pydicom/JPGExtended.dcm")) {
            MockHttpServletResponse response = mvc.perform(multipart("/api/v1/analyses")
                    .file(new MockMultipartFile("file", "x.dcm", "application/dicom", DicomCorpus.committed(name))))
                    .andReturn().getResponse();
            assertThat(response.getStatus()).as(name + ": " + response.getContentAsString()).isEqualTo(201);
            assertThat(json.readTree(response.getContentAsByteArray()).get("status").asText()).isIn("COMPLETED", "REJECTED");
        }
    }

    private void upload(DicomCorpus.Entry file) {
        assertTimeoutPreemptively(PER_FILE, () -> {
            MockHttpServletResponse response = mvc.perform(multipart("/api/v1/analyses")
                    .file(new MockMultipartFile("file", "upload.dcm", "application/dicom", file.bytes())))
                    .andReturn().getResponse();
            int status = response.getStatus();
            String body = response.getContentAsString();
            assertThat(status).as(file.name() + ": " + body).isIn(201, 413, 415, 422);
            JsonNode node = json.readTree(response.getContentAsByteArray());
            if (status == 201) {
                assertThat(node.get("status").asText()).isIn("COMPLETED", "REJECTED");
                OUTCOMES.add(file.name() + " -> 201 " + node.get("status").asText());
            } else {
                assertThat(response.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                assertThat(node.get("code").asText()).isIn(UPLOAD_CODES);
                assertThat(node.get("detail").asText()).endsWith(".").doesNotContain("Exception");
                OUTCOMES.add(file.name() + " -> " + status + " " + node.get("code").asText());
            }
        }, file.name());
        try {
            mvc.perform(get("/api/v1/model")).andExpect(status().isOk());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @AfterAll
    static void summary() {
        // The outcome per file, for the record (surefire keeps it in the test's output file).
        OUTCOMES.forEach(line -> System.out.println("DICOM corpus: " + line));
    }
}
