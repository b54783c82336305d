package io.yibao.gateway.testing;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The one way tests wait: for a condition, polling (tests never sleep for a fixed time), or for a future. A wait
 * that does not end as expected fails the test, never returns quietly.
 */
public final class Await {

  private static final Duration POLL = Duration.ofMillis(20);
  private static final long FUTURE_SECONDS = 10;

  private Await() {
  }

  /**
   * Polls until the condition holds. A condition that throws counts as "not yet"; if it never holds, the test
   * fails with the last exception as the cause. Interruption fails the test too.
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, POLL, condition);
  }

  /** As {@link #until(String, Duration, BooleanSupplier)}, polling every {@code poll}. */
  public static void until(String what, Duration timeout, Duration poll, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e; // not yet
      }
      if (System.nanoTime() >= deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what
            + (last == null ? "" : " (last attempt failed: " + last + ")"), last);
      }
      try {
        Thread.sleep(poll.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }

  /**
   * The future's result within 10 s. Its failure is thrown as it is (an unchecked one) or as the cause of an
   * {@link AssertionError} (a checked one), so that {@code assertThrows(SomeException.class, ...)} sees the type.
   */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(FUTURE_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new AssertionError("the future failed", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + FUTURE_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a future", e);
    }
  }

  /** The failure the future ends with within 10 s, which must be a {@code type}; a success fails the test. */
  public static <X extends Throwable> X failure(Class<X> type, Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(FUTURE_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return assertInstanceOf(type, e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + FUTURE_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a future", e);
    }
    throw new AssertionError("the call succeeded");
  }
}
