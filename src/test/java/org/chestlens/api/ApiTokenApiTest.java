package org.chestlens.api;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.accounts.ApiTokenService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

class ApiTokenApiTest extends KaribuTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountService accounts;
    @Autowired
    ApiTokenService tokens;

    @Test
    void aValidTokenIdentifiesItsOwner() throws Exception {
        Account account = accounts.register(TestAccounts.uniqueEmail("api"), "Api User", TestAccounts.PASSWORD);
        String secret = tokens.create(account.getId(), "script", Duration.ofDays(1)).secret();
        mvc.perform(get("/api/v1/me").header("Authorization", "Bearer " + secret))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.email").value(account.getEmail()))
                .andExpect(jsonPath("$.admin").value(false));
    }

    @Test
    void missingWrongRevokedAndDisabledTokensGetProblemJson() throws Exception {
        mvc.perform(get("/api/v1/me"))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("unauthorized"));
        mvc.perform(get("/api/v1/me").header("Authorization", "Bearer cl_not-a-real-token"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.code").value("invalid-token"));

        Account admin = accounts.register(TestAccounts.uniqueEmail("api-admin"), "Api Admin", TestAccounts.PASSWORD);
        accounts.ensureAdmin(admin.getEmail(), TestAccounts.PASSWORD);
        Account account = accounts.register(TestAccounts.uniqueEmail("api2"), "Api Two", TestAccounts.PASSWORD);
        ApiTokenService.CreatedToken created = tokens.create(account.getId(), "to revoke", null);
        accounts.setEnabled(admin.getId(), account.getId(), false);
        mvc.perform(get("/api/v1/me").header("Authorization", "Bearer " + created.secret()))
                .andExpect(status().isUnauthorized());
        accounts.setEnabled(admin.getId(), account.getId(), true);
        mvc.perform(get("/api/v1/me").header("Authorization", "Bearer " + created.secret())).andExpect(status().isOk());
        tokens.revoke(account.getId(), created.token().getId());
        mvc.perform(get("/api/v1/me").header("Authorization", "Bearer " + created.secret()))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void theOpenApiDocumentIsServed() throws Exception {
        mvc.perform(get("/api/docs/openapi.json"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.info.title").value("ChestLens API"));
    }
}
