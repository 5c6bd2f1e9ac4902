package org.chestlens;

import java.util.concurrent.atomic.AtomicInteger;

/** Unique emails per test, so tests can share one database (embedded or external) without clashing. */
public final class TestAccounts {

    public static final String PASSWORD = "amber tulip lantern";
    private static final AtomicInteger counter = new AtomicInteger();

    private TestAccounts() {
    }

    public static String uniqueEmail(String prefix) {
        return prefix + "-" + System.nanoTime() + "-" + counter.incrementAndGet() + "@example.org";
    }
}
