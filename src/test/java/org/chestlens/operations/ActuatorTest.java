package org.chestlens.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.stream.Collectors;
import org.chestlens.KaribuTest;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.InvalidUploadException;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.actuate.health.HealthEndpointGroups;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/** Actuator on the application port, through the real security filter chains. */
class ActuatorTest extends KaribuTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    AnalysisService analyses;
    @Autowired
    HealthEndpointGroups groups;
    @Autowired
    WebEndpointsSupplier endpoints;

    @Test
    void healthAndItsProbesAreOpenToAnyoneAndSayOnlyUpOrDown() throws Exception {
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            mvc.perform(get(path).with(from("203.0.113.20")))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.status").value("UP"))
                    .andExpect(jsonPath("$.components").doesNotExist())
                    .andExpect(jsonPath("$.details").doesNotExist());
        }
    }

    @Test
    void readinessNeedsTheDatabaseAndTheModelsAndLivenessDoesNot() {
        assertThat(groups.get("readiness").isMember("db")).isTrue();
        assertThat(groups.get("readiness").isMember("models")).isTrue();
        assertThat(groups.get("readiness").isMember("readinessState")).isTrue();
        assertThat(groups.get("liveness").isMember("db")).isFalse();
        assertThat(groups.get("liveness").isMember("livenessState")).isTrue();
    }

    @Test
    void readinessIsDownWhileTheNodeRefusesTraffic() throws Exception {
        // What Spring Boot publishes first when the node starts to shut down.
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        try {
            mvc.perform(get("/actuator/health/readiness")).andExpect(status().isServiceUnavailable())
                    .andExpect(jsonPath("$.status").value("OUT_OF_SERVICE"));
            mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
        } finally {
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        }
        mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk());
    }

    @Test
    void onlyHealthAndPrometheusExist() {
        assertThat(endpoints.getEndpoints().stream().map(ExposableWebEndpoint::getEndpointId)
                .map(Object::toString).collect(Collectors.toSet())).containsExactlyInAnyOrder("health", "prometheus");
    }

    @Test
    void noOtherActuatorEndpointAnswersEvenFromLoopback() throws Exception {
        for (String path : List.of("/actuator", "/actuator/env", "/actuator/beans", "/actuator/configprops",
                "/actuator/heapdump", "/actuator/threaddump", "/actuator/loggers", "/actuator/metrics", "/actuator/mappings",
                "/actuator/scheduledtasks", "/actuator/info", "/actuator/conditions", "/actuator/sessions")) {
            int status = mvc.perform(get(path)).andReturn().getResponse().getStatus();
            assertThat(status).as(path).isIn(403, 404);
        }
        assertThat(mvc.perform(post("/actuator/shutdown")).andReturn().getResponse().getStatus()).isIn(403, 404);
    }

    @Test
    void prometheusIsReadableFromLoopbackWithChestLensMetrics() throws Exception {
        analyses.analyse(AnalysisRequest.of(TestImages.png(TestImages.phantomChest(256, 256, 7)), "metrics.png"));
        try {
            analyses.analyse(AnalysisRequest.of("not an image".getBytes(), "notes.txt").viaApi());
        } catch (InvalidUploadException expected) {
            // counted as refused
        }
        mvc.perform(get("/actuator/health"));

        String text = mvc.perform(get("/actuator/prometheus")).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();

        assertThat(text).containsPattern("chestlens_analyses_total\\{[^}]*channel=\"ui\"[^}]*outcome=\"(completed|rejected)\"");
        assertThat(text).containsPattern("chestlens_analyses_total\\{[^}]*channel=\"api\"[^}]*outcome=\"refused\"");
        assertThat(text).containsPattern("chestlens_analysis_stage_seconds_count\\{[^}]*stage=\"decode\"");
        assertThat(text).containsPattern("chestlens_analysis_stage_seconds_count\\{[^}]*stage=\"models\"");
        assertThat(text).contains("chestlens_analysis_duration_seconds_bucket");
        assertThat(text).contains("chestlens_analysis_queue");
        assertThat(text).contains("chestlens_analysis_running");
        assertThat(text).containsPattern("chestlens_model_info\\{[^}]*name=\"[^\"]+\"[^}]*version=\"[^\"]+\"");
        assertThat(text).containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/actuator/health\"");
    }

    @Test
    void prometheusIsRefusedFromOtherAddressesAndThroughAProxy() throws Exception {
        mvc.perform(get("/actuator/prometheus").with(from("203.0.113.21"))).andExpect(status().isForbidden())
                .andExpect(content().string(""));
        mvc.perform(get("/actuator/prometheus").header("X-Forwarded-For", "203.0.113.21")).andExpect(status().isForbidden());
        mvc.perform(get("/actuator/prometheus").with(from("203.0.113.21")).header("Authorization", "Bearer guess"))
                .andExpect(status().isForbidden());
    }

    private static RequestPostProcessor from(String address) {
        return request -> {
            request.setRemoteAddr(address);
            return request;
        };
    }
}
