package org.chestlens.accounts;

import org.springframework.security.authentication.LockedException;

/** A sign-in from a locked client address that must wait for the address's next password check. */
public class SignInThrottledException extends LockedException {

    SignInThrottledException(String message) {
        super(message);
    }
}
