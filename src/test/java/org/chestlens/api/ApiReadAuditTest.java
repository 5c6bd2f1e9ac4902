package org.chestlens.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.ZoneId;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.accounts.ApiTokenService;
import org.chestlens.audit.AuditEvent;
import org.chestlens.audit.AuditQuery;
import org.chestlens.audit.AuditTrail;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;

/** Reading a patient or a result through the API is recorded in the audit trail like viewing it in the UI. */
class ApiReadAuditTest extends KaribuTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountService accounts;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    AuditTrail audit;
    @Autowired
    ObjectMapper json;

    @Test
    void readingAPatientAndAResultIsRecordedWithTheCaller() throws Exception {
        Account account = accounts.register(TestAccounts.uniqueEmail("api-reader"), "Api Reader", TestAccounts.PASSWORD);
        String bearer = "Bearer " + tokens.create(account.getId(), "reader", Duration.ofDays(1)).secret();
        long patientId = json.readTree(mvc.perform(post("/api/v1/patients").header("Authorization", bearer)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"reference\":\"P-READ-1\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsByteArray()).get("id").asLong();
        MockMultipartFile xray = new MockMultipartFile("file", "chest.png", "image/png",
                TestImages.png(TestImages.phantomChest(320, 300, 3)));
        String id = json.readTree(mvc.perform(multipart("/api/v1/analyses").file(xray).header("Authorization", bearer))
                .andReturn().getResponse().getContentAsByteArray()).get("id").asText();

        mvc.perform(get("/api/v1/patients/" + patientId).header("Authorization", bearer)).andExpect(status().isOk());
        mvc.perform(get("/api/v1/analyses/" + id).header("Authorization", bearer)).andExpect(status().isOk());

        var events = audit.search(new AuditQuery(account.getEmail(), null, null, null, null, ZoneId.systemDefault()), 0, 10);
        assertThat(events.getContent()).extracting(AuditEvent::getAction).startsWith("RESULT_VIEWED", "PATIENT_VIEWED");
        assertThat(events.getContent().get(0).getDetail()).isEqualTo("result " + id.substring(0, 8) + "\u2026 via API");
        assertThat(events.getContent().get(1).getDetail()).isEqualTo("patient " + patientId);
    }
}
