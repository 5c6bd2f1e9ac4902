package org.chestlens.accounts;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.chestlens.ui.Dates;
import org.springframework.stereotype.Component;

/** Profile section: the user's API tokens, with creation (secret shown once) and revocation. */
@Component
class ApiTokensSection implements ProfileSection {

    private static final Map<String, Duration> VALIDITY = new LinkedHashMap<>();

    static {
        VALIDITY.put("30 days", Duration.ofDays(30));
        VALIDITY.put("90 days", Duration.ofDays(90));
        VALIDITY.put("1 year", Duration.ofDays(365));
        VALIDITY.put("No expiry", null);
    }

    private final ApiTokenService tokens;

    ApiTokensSection(ApiTokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public int order() {
        return 80;
    }

    @Override
    public com.vaadin.flow.component.Component create(long accountId) {
        Grid<ApiToken> grid = new Grid<>(ApiToken.class, false);
        grid.setId("api-tokens");
        grid.setAllRowsVisible(true);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_NO_BORDER);
        grid.addColumn(ApiToken::getName).setHeader("Name");
        grid.addColumn(t -> t.getTokenPrefix() + "…").setHeader("Token");
        grid.addColumn(t -> Dates.date(t.getCreatedAt())).setHeader("Created").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(t -> t.getExpiresAt() == null ? "never" : Dates.date(t.getExpiresAt())).setHeader("Expires")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(t -> t.getLastUsedAt() == null ? "never" : Dates.date(t.getLastUsedAt())).setHeader("Last used")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(t -> {
            Button revoke = new Button("Revoke", e -> {
                tokens.revoke(accountId, t.getId());
                grid.setItems(tokens.list(accountId));
            });
            revoke.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
            revoke.setAriaLabel("Revoke token " + t.getName());
            return revoke;
        }).setHeader("").setKey("actions");
        grid.setItems(tokens.list(accountId));

        TextField name = new TextField("Token name");
        name.setId("token-name");
        name.setPlaceholder("e.g. PACS export script");
        name.setMaxLength(100);
        name.setManualValidation(true);
        Select<String> validity = new Select<>();
        validity.setLabel("Valid for");
        validity.setItems(VALIDITY.keySet());
        validity.setValue("90 days");
        Button create = new Button("Create token", e -> {
            try {
                ApiTokenService.CreatedToken created = tokens.create(accountId, name.getValue(), VALIDITY.get(validity.getValue()));
                name.clear();
                name.setInvalid(false);
                grid.setItems(tokens.list(accountId));
                showSecret(created.secret());
            } catch (AccountException ex) {
                RegisterView.showError(name, ex.getMessage());
            }
        });
        create.setId("create-token");
        HorizontalLayout form = new HorizontalLayout(name, validity, create);
        form.setAlignItems(HorizontalLayout.Alignment.BASELINE);
        form.setWrap(true);

        Section section = new Section(new H2("API tokens"),
                new Paragraph(new com.vaadin.flow.component.Text("Scripts and other systems use the REST API with "
                        + "a token: header Authorization: Bearer <token>. "), new Anchor("/api/docs", "API documentation")),
                form, grid);
        section.addClassName("cl-card");
        section.setId("api-tokens-section");
        return section;
    }

    private static void showSecret(String secret) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Your new API token");
        TextField value = new TextField("Token");
        value.setValue(secret);
        value.setReadOnly(true);
        value.setWidthFull();
        value.setId("new-token-secret");
        Button copy = new Button("Copy", e -> value.getElement().executeJs("navigator.clipboard.writeText($0)", secret));
        dialog.add(new Paragraph("Copy it now: it is not stored and cannot be shown again."), value);
        dialog.getFooter().add(copy, new Button("Done", e -> dialog.close()));
        dialog.setWidth("min(36rem, 95vw)");
        dialog.open();
    }
}
