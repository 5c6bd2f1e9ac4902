package org.chestlens.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.chestlens.audit.AuditTrail;
import org.chestlens.security.ChestLensPrincipal;
import org.chestlens.security.PlainText;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Personal API tokens: created by their owner (the secret is shown once), listed, revoked, and
 * resolved to the owner's principal on each API request.
 */
@Service
public class ApiTokenService {

    public static final String PREFIX = "cl_";
    static final int MAX_TOKENS_PER_ACCOUNT = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiTokenRepository tokens;
    private final AccountRepository accounts;
    private final AuditTrail audit;
    private final Clock clock;

    ApiTokenService(ApiTokenRepository tokens, AccountRepository accounts, AuditTrail audit, Clock clock) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.audit = audit;
        this.clock = clock;
    }

    /** A new token and its secret, which is not stored and cannot be shown again. */
    public record CreatedToken(ApiToken token, String secret) {
    }

    @Transactional
    public CreatedToken create(long accountId, String name, Duration validFor) {
        String trimmed = name == null ? "" : name.trim();
        if (trimmed.isEmpty() || trimmed.length() > 100 || !PlainText.isSingleLine(trimmed)) {
            throw new AccountException("tokenName", "Give the token a name of 1 to 100 characters, e.g. the script that uses it.");
        }
        if (tokens.countByAccountId(accountId) >= MAX_TOKENS_PER_ACCOUNT) {
            throw new AccountException("tokenName", "You have " + MAX_TOKENS_PER_ACCOUNT + " tokens. Revoke one you no longer use first.");
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        ApiToken token = tokens.save(new ApiToken(accountId, trimmed, sha256(secret), secret.substring(0, 9), now,
                validFor == null ? null : now.plus(validFor)));
        audit.record("API_TOKEN_CREATED", trimmed);
        return new CreatedToken(token, secret);
    }

    @Transactional(readOnly = true)
    public List<ApiToken> list(long accountId) {
        return tokens.findByAccountIdOrderByCreatedAtDesc(accountId);
    }

    @Transactional
    public void revoke(long accountId, long tokenId) {
        tokens.findByIdAndAccountId(tokenId, accountId).ifPresent(token -> {
            tokens.delete(token);
            audit.record("API_TOKEN_REVOKED", token.getName());
        });
    }

    /** The enabled owner of a valid, unexpired token; empty for anything else. */
    @Transactional
    public Optional<ChestLensPrincipal> authenticate(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 100) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return tokens.findByTokenHash(sha256(secret))
                .filter(token -> token.getExpiresAt() == null || token.getExpiresAt().isAfter(now))
                .flatMap(token -> {
                    // Only write when it changes noticeably: avoids a row update per request.
                    if (token.getLastUsedAt() == null || token.getLastUsedAt().isBefore(now.minusSeconds(60))) {
                        token.setLastUsedAt(now);
                    }
                    return accounts.findById(token.getAccountId());
                })
                .filter(Account::isEnabled)
                // withDisplayName drops the password hash: API principals never carry it.
                .map(account -> AccountDetailsService.principalOf(account).withDisplayName(account.getDisplayName()));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
