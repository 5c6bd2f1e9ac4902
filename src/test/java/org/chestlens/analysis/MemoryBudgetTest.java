package org.chestlens.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The heap reserved for analyses in progress: reservations wait their turn, the queue is bounded, busy is 503. */
class MemoryBudgetTest {

    private static final long MB = 1024 * 1024;

    @Test
    void reservationsWithinTheBudgetGoAheadAndGiveTheMemoryBack() {
        MemoryBudget budget = new MemoryBudget(100 * MB, Duration.ofSeconds(1));
        try (MemoryBudget.Reservation a = budget.reserve(60 * MB, MB); MemoryBudget.Reservation b = budget.reserve(40 * MB, MB)) {
            assertThat(budget.available()).isZero();
            assertThat(a.bytes() + b.bytes()).isEqualTo(100 * MB);
        }
        assertThat(budget.available()).isEqualTo(100 * MB);
    }

    @Test
    void anImageLargerThanTheWholeBudgetRunsAlone() {
        MemoryBudget budget = new MemoryBudget(100 * MB, Duration.ofMillis(200));
        try (MemoryBudget.Reservation huge = budget.reserve(900 * MB, MB)) {
            assertThat(huge.bytes()).isEqualTo(100 * MB);
            assertThatThrownBy(() -> budget.reserve(MB, MB)).isInstanceOfSatisfying(InvalidUploadException.class,
                    e -> assertThat(e.problem()).isEqualTo(UploadProblem.BUSY));
        }
        budget.reserve(MB, MB).close();
    }

    @Test
    void whatDoesNotFitWaitsForMemoryToBeGivenBack() throws Exception {
        MemoryBudget budget = new MemoryBudget(100 * MB, Duration.ofSeconds(60));
        MemoryBudget.Reservation first = budget.reserve(80 * MB, MB);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<MemoryBudget.Reservation> second = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            return budget.reserve(50 * MB, MB);
        });
        started.await();
        assertThat(second).isNotDone();
        first.close();
        try (MemoryBudget.Reservation granted = second.get(30, TimeUnit.SECONDS)) {
            assertThat(granted.bytes()).isEqualTo(50 * MB);
        }
    }

    @Test
    void aFullQueueOrALongWaitIsBusyNeverAnError() {
        MemoryBudget budget = new MemoryBudget(100 * MB, Duration.ofMillis(100));
        try (MemoryBudget.Reservation all = budget.reserve(100 * MB, MB)) {
            // Waits, then gives up: busy.
            assertThatThrownBy(() -> budget.reserve(MB, MB)).isInstanceOfSatisfying(InvalidUploadException.class, e -> {
                assertThat(e.problem()).isEqualTo(UploadProblem.BUSY);
                assertThat(e.problem().httpStatus()).isEqualTo(503);
                assertThat(e.getMessage()).contains("try again");
            });
            // More waiting upload bytes than a quarter of the budget: busy at once.
            assertThatThrownBy(() -> budget.reserve(MB, 30 * MB)).isInstanceOf(InvalidUploadException.class);
        }
    }
}
