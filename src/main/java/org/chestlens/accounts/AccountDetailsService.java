package org.chestlens.accounts;

import java.util.ArrayList;
import java.util.List;
import org.chestlens.security.ChestLensPrincipal;
import org.chestlens.security.Roles;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;

/** Loads accounts for Spring Security, with their roles. */
@Service
class AccountDetailsService implements UserDetailsService {

    private final AccountRepository accounts;

    AccountDetailsService(AccountRepository accounts) {
        this.accounts = accounts;
    }

    @Override
    public ChestLensPrincipal loadUserByUsername(String email) {
        return accounts.findByEmail(Account.normalizeEmail(email))
                .map(AccountDetailsService::principalOf)
                .orElseThrow(() -> new UsernameNotFoundException("No such account"));
    }

    static ChestLensPrincipal principalOf(Account account) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        authorities.add(new SimpleGrantedAuthority("ROLE_" + Roles.CLINICIAN));
        if (account.isAdmin()) {
            authorities.add(new SimpleGrantedAuthority("ROLE_" + Roles.ADMIN));
        }
        return new ChestLensPrincipal(account.getId(), account.getEmail(), account.getDisplayName(),
                account.getPasswordHash(), account.isEnabled(), authorities, account.getSessionVersion());
    }
}
