package org.chestlens.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.accounts.ApiTokenService;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.worklist.WorklistStudies;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** GET /api/v1/worklist end to end: real security chain, real PostgreSQL, the same order and filters as the page. */
class WorklistApiTest extends KaribuTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountService accounts;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    AnalysisService analyses;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper json;

    WorklistStudies studies;
    Account alice;
    String token;

    @BeforeEach
    void clinicianWithToken() {
        studies = new WorklistStudies(analyses, jdbc);
        alice = accounts.register(TestAccounts.uniqueEmail("wla-alice"), "Dr Alice", TestAccounts.PASSWORD);
        token = "Bearer " + tokens.create(alice.getId(), "worklist", Duration.ofDays(1)).secret();
    }

    private JsonNode list(String query) throws Exception {
        ResultActions result = mvc.perform(get("/api/v1/worklist" + query).header("Authorization", token))
                .andExpect(status().isOk());
        return json.readTree(result.andReturn().getResponse().getContentAsByteArray());
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("items").forEach(item -> out.add(item.get("id").asText()));
        return out;
    }

    @Test
    void ownUnreviewedStudiesMostUrgentFirstWithFiltersAndPages() throws Exception {
        String low = studies.study(alice.getId(), null, LocalDate.of(2026, 1, 5), Map.of(), 40);
        String high = studies.study(alice.getId(), null, LocalDate.of(2026, 2, 10), Map.of("pneumonia", 0.9), 10);
        String middle = studies.study(alice.getId(), null, null, Map.of("effusion", 0.6), 80);
        Account bob = accounts.register(TestAccounts.uniqueEmail("wla-bob"), "Dr Bob", TestAccounts.PASSWORD);
        String bobs = studies.study(bob.getId(), null, null, Map.of("pneumonia", 0.99), 99);

        JsonNode all = list("");
        assertThat(ids(all)).containsExactly(high, middle, low).doesNotContain(bobs);
        assertThat(all.get("totalItems").asLong()).isEqualTo(3);
        JsonNode first = all.get("items").get(0);
        assertThat(first.get("studyDate").asText()).isEqualTo("2026-02-10");
        assertThat(first.get("patientReference").isNull()).isTrue();
        assertThat(first.get("topFindings").get(0).get("code").asText()).isEqualTo("pneumonia");
        assertThat(first.get("topFindings").get(0).get("probability").asDouble()).isEqualTo(0.9);
        assertThat(first.get("urgency").get("positive").asBoolean()).isTrue();
        assertThat(first.get("urgency").get("topRelativeProbability").asDouble()).isEqualTo(2.0);
        assertThat(first.get("anomalyPercentile").asDouble()).isEqualTo(10.0);
        assertThat(first.get("analysis").asText()).isEqualTo("/api/v1/analyses/" + high);
        assertThat(first.get("page").asText()).isEqualTo("/analysis/" + high);

        assertThat(ids(list("?page=1&size=2"))).containsExactly(low);
        assertThat(ids(list("?finding=effusion"))).containsExactly(middle);
        assertThat(ids(list("?from=2026-01-01&to=2026-01-31"))).containsExactly(low);
        assertThat(ids(list("?finding=pneumonia&from=2026-02-10"))).containsExactly(high);

        // Feedback through the API takes a study off the list.
        mvc.perform(put("/api/v1/analyses/" + high + "/feedback").header("Authorization", token)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"verdicts\":{\"pneumonia\":\"CONFIRMED\"},\"note\":null}"))
                .andExpect(status().isOk());
        assertThat(ids(list(""))).containsExactly(middle, low);
    }

    @Test
    void badParametersAreProblemsAndAnonymousCallersAreRefused() throws Exception {
        mvc.perform(get("/api/v1/worklist")).andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        for (String query : List.of("?finding=no_finding", "?finding=no-such-finding", "?from=2026-13-01",
                "?from=2026-03-01&to=2026-02-01", "?page=-1", "?size=ten")) {
            mvc.perform(get("/api/v1/worklist" + query).header("Authorization", token))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.code").value("invalid-parameter"))
                    .andExpect(jsonPath("$.detail").isNotEmpty());
        }
        mvc.perform(get("/api/v1/worklist?finding=nope").header("Authorization", token))
                .andExpect(jsonPath("$.parameter").value("finding"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("pneumonia")));
    }
}
