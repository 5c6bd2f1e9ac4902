package org.chestlens.accounts;

import static com.github.mvysny.kaributesting.v10.GridKt._getCellComponent;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.textfield.TextField;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ApiTokensSectionTest extends KaribuTest {

    @Autowired
    AccountService accounts;
    @Autowired
    ApiTokenService tokens;

    @SuppressWarnings("unchecked")
    @Test
    void createShowsTheSecretOnceAndRevokeRemovesIt() {
        Account account = accounts.register(TestAccounts.uniqueEmail("tokens"), "Tokens", TestAccounts.PASSWORD);
        signIn(account.getId(), account.getEmail(), "Tokens", false);
        UI.getCurrent().navigate(ProfileView.class);

        _click(_get(Button.class, spec -> spec.withId("create-token")));
        assertThat(_get(TextField.class, spec -> spec.withId("token-name")).getErrorMessage()).contains("name");

        _setValue(_get(TextField.class, spec -> spec.withId("token-name")), "PACS export");
        _click(_get(Button.class, spec -> spec.withId("create-token")));
        String secret = _get(TextField.class, spec -> spec.withId("new-token-secret")).getValue();
        assertThat(secret).startsWith("cl_").hasSizeGreaterThan(40);
        assertThat(tokens.authenticate(secret)).get().extracting(p -> p.accountId()).isEqualTo(account.getId());

        Grid<ApiToken> grid = _get(Grid.class, spec -> spec.withId("api-tokens"));
        assertThat(_size(grid)).isEqualTo(1);
        _click((Button) _getCellComponent(grid, 0, "actions"));
        assertThat(_size(grid)).isZero();
        assertThat(tokens.authenticate(secret)).isEmpty();
    }
}
