package org.chestlens.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    @Test
    void acceptsALongPassphrase() {
        assertThat(PasswordPolicy.problem("amber tulip lantern", "jo@example.org", "Jo Smith")).isEmpty();
    }

    @Test
    void refusesShortCommonRepetitiveAndPersonalPasswords() {
        assertThat(PasswordPolicy.problem("", "jo@example.org", "Jo")).hasValue("Enter a password.");
        assertThat(PasswordPolicy.problem("short", "jo@example.org", "Jo")).get().asString().contains("at least 10");
        assertThat(PasswordPolicy.problem("x".repeat(73), "jo@example.org", "Jo")).get().asString().contains("at most 72");
        assertThat(PasswordPolicy.problem("Password123", "jo@example.org", "Jo")).get().asString().contains("too easy");
        assertThat(PasswordPolicy.problem("abababababab", "jo@example.org", "Jo")).get().asString().contains("too easy");
        assertThat(PasswordPolicy.problem("janedoe-rocks-2024", "janedoe@example.org", "Jane")).get().asString().contains("email");
        assertThat(PasswordPolicy.problem("i am Margaret, ok", "m@example.org", "Margaret")).get().asString().contains("name");
    }
}
