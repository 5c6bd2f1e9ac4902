package org.chestlens.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.chestlens.security.ChestLensPrincipal;
import org.chestlens.security.CurrentUser;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Account")
class AccountController {

    private final CurrentUser currentUser;

    AccountController(CurrentUser currentUser) {
        this.currentUser = currentUser;
    }

    record Me(long id, String email, String displayName, boolean admin) {
    }

    @GetMapping("/me")
    @PreAuthorize("isAuthenticated()")
    @Operation(summary = "The account the token belongs to", security = @SecurityRequirement(name = "token"))
    Me me() {
        ChestLensPrincipal p = currentUser.get().orElseThrow();
        return new Me(p.accountId(), p.getUsername(), p.displayName(), p.isAdmin());
    }
}
