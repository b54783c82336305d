package io.yibao.gateway.core;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.yibao.gateway.config.GatewayConfig.CoreService;
import io.yibao.gateway.ops.ReadinessCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The per-process protection of each core system: one circuit breaker and one semaphore bulkhead per system,
 * shared by every gateway verticle of the process (both are thread-safe and never block: permissions are tried,
 * not waited for). Their states are on {@code /metrics} and {@code /health/ready}; each transition is logged once.
 */
public final class CoreGuards {

  private static final Logger LOG = LoggerFactory.getLogger(CoreGuards.class);

  /** One system's configuration, breaker and bulkhead. */
  public record Guard(CoreService config, CircuitBreaker breaker, Bulkhead bulkhead) {
  }

  private final Map<String, Guard> guards = new LinkedHashMap<>();

  public CoreGuards(Map<String, CoreService> systems, MeterRegistry meters) {
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
    systems.forEach((name, config) -> {
      CircuitBreaker breaker = breakers.circuitBreaker(name, breakerConfig(config));
      breaker.getEventPublisher().onStateTransition(e -> LOG.warn("core circuit breaker changed state",
          kv("system", name), kv("from", e.getStateTransition().getFromState().name()),
          kv("to", e.getStateTransition().getToState().name())));
      Bulkhead bulkhead = bulkheads.bulkhead(name, BulkheadConfig.custom()
          .maxConcurrentCalls(config.bulkheadMaxConcurrent())
          .maxWaitDuration(Duration.ZERO)
          .build());
      guards.put(name, new Guard(config, breaker, bulkhead));
    });
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
    TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
  }

  static CircuitBreakerConfig breakerConfig(CoreService config) {
    var b = config.breaker();
    return CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(b.slidingWindowSize())
        .minimumNumberOfCalls(b.minimumCalls())
        .failureRateThreshold(b.failureRatePercent())
        .slowCallRateThreshold(b.slowCallRatePercent())
        .slowCallDurationThreshold(Duration.ofMillis(b.slowCallMillis()))
        .waitDurationInOpenState(Duration.ofSeconds(b.openSeconds()))
        .permittedNumberOfCallsInHalfOpenState(b.halfOpenCalls())
        // A half-open breaker whose trial calls never finish must not stay half-open for ever.
        .maxWaitDurationInHalfOpenState(Duration.ofSeconds(b.maxHalfOpenSeconds()))
        // Resilience4j's own scheduler thread flips OPEN to HALF_OPEN, so metrics and readiness show the truth
        // even while no call arrives; it never runs on an event loop.
        .automaticTransitionFromOpenToHalfOpenEnabled(true)
        .build();
  }

  public Guard guard(String system) {
    Guard guard = guards.get(system);
    if (guard == null) {
      throw new IllegalArgumentException("no core system " + system);
    }
    return guard;
  }

  public Map<String, Guard> all() {
    return guards;
  }

  /**
   * One readiness line per system: its breaker state. Not critical: when a core system is down every gateway
   * instance is equally unable to reach it, so taking instances out of rotation would only add an outage.
   */
  public List<ReadinessCheck> readinessChecks() {
    List<ReadinessCheck> checks = new ArrayList<>();
    guards.forEach((name, guard) -> checks.add(new ReadinessCheck() {
      public String name() {
        return "core." + name;
      }

      public boolean critical() {
        return false;
      }

      public Future<String> check() {
        CircuitBreaker.State state = guard.breaker().getState();
        return Future.succeededFuture(state == CircuitBreaker.State.CLOSED ? "UP" : state.name());
      }
    }));
    return checks;
  }
}
