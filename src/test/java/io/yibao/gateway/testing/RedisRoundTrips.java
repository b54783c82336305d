package io.yibao.gateway.testing;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.impl.VertxBootstrapImpl;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Counts the Redis commands one HTTP request of a gateway makes, and how many times it waited on Redis.
 * <p>
 * A Vert.x tracer (installed in every Vert.x of the tests through {@code META-INF/services}; it does nothing
 * unless a measurement is open) sees each request the gateway's HTTP server receives and each command the Redis
 * client sends, with the Vert.x context it is sent from. While a measurement is open for a gateway's port, the
 * request received on that port carries it in its (duplicated) context, and every Redis command sent from that
 * context is counted: background work (recovery, outbox) runs on other contexts and is not.
 * <p>
 * A <b>wait</b> (a round trip in the latency sense) is counted each time the request goes from nothing in flight to
 * a Redis command in flight: commands issued together, before the first answers, are one wait; a command issued
 * only after the previous one answered is another; a command issued while the request waits on a core system
 * anyway (an HTTP call it made) costs no wait of its own, and neither does a command issued after the answer was
 * sent (the caller is no longer waiting; the command is still counted).
 */
public final class RedisRoundTrips implements VertxServiceProvider {

  /** What one request did: its Redis commands in order, and how many sequential waits they cost. */
  public static final class Measurement {
    private final int port;
    private final List<String> commands = new ArrayList<>();
    private int inFlight;
    private int coreInFlight;
    private int waits;
    private boolean responded;
    private final List<String> timeline = new ArrayList<>();

    private Measurement(int port) {
      this.port = port;
    }

    public synchronized int commands() {
      return commands.size();
    }

    public synchronized int waits() {
      return waits;
    }

    public synchronized List<String> commandNames() {
      return List.copyOf(commands);
    }

    private synchronized void sent(String command) {
      if (inFlight++ == 0 && coreInFlight == 0 && !responded) {
        waits++;
      }
      commands.add(command);
      timeline.add((responded ? "after the answer: " : "wait " + waits + ": ") + command);
    }

    private synchronized void answered() {
      inFlight--;
    }

    /**
     * Waits until the request's commands sent after its answer (a store beside the answer) have been answered and
     * no new one came for 100 ms, so that the counts and the server's statistics are complete.
     */
    public void awaitQuiet() {
      int[] seen = {-1};
      try {
        Await.until("the request's Redis commands after its answer to be answered", Duration.ofSeconds(5),
            Duration.ofMillis(100), () -> {
              synchronized (this) {
                boolean quiet = inFlight == 0 && commands.size() == seen[0];
                seen[0] = inFlight == 0 ? commands.size() : -1;
                return quiet;
              }
            });
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + ": " + this, e);
      }
    }

    /** The answer has been sent: what the request still does costs the caller no wait. */
    private synchronized void responded() {
      responded = true;
    }

    private synchronized void coreCall(int delta) {
      coreInFlight += delta;
    }

    @Override
    public synchronized String toString() {
      return commands.size() + " commands in " + waits + " waits " + timeline;
    }
  }

  private static final Object KEY = new Object();
  private static volatile Measurement open;

  /** Opens a measurement of the next requests received on {@code port}; close it with {@link #stop}. */
  public static Measurement start(int port) {
    Measurement m = new Measurement(port);
    open = m;
    return m;
  }

  public static void stop() {
    open = null;
  }

  /** Installs the tracer in a Vert.x that has none (a tracer factory would need tracing options). */
  @Override
  public void init(VertxBootstrap bootstrap) {
    if (bootstrap instanceof VertxBootstrapImpl impl && impl.tracer() == null) {
      impl.tracer(new Tracer());
    }
  }

  private static final class Tracer implements VertxTracer<Object, Object> {

    @Override
    public <R> Object receiveRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
                                     Iterable<Map.Entry<String, String>> headers, TagExtractor<R> tagExtractor) {
      Measurement m = open;
      if (m != null && request instanceof HttpServerRequest http && http.localAddress() != null
          && http.localAddress().port() == m.port) {
        ((ContextInternal) context).putLocal(KEY, m);
        return new Answer(m);
      }
      return null;
    }

    @Override
    public <R> void sendResponse(Context context, R response, Object payload, Throwable failure,
                                 TagExtractor<R> tagExtractor) {
      if (payload instanceof Answer answer) {
        answer.measurement().responded();
      }
    }

    @Override
    public <R> Object sendRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
                                  BiConsumer<String, String> headers, TagExtractor<R> tagExtractor) {
      if (context == null || !(((ContextInternal) context).getLocal(KEY) instanceof Measurement measurement)) {
        return null;
      }
      if (request.getClass().getName().startsWith("io.vertx.redis")) {
        measurement.sent(String.valueOf(tagExtractor.extract(request).get("db.operation.name")));
        return measurement;
      }
      measurement.coreCall(1);
      return new CoreCall(measurement);
    }

    @Override
    public <R> void receiveResponse(Context context, R response, Object payload, Throwable failure,
                                    TagExtractor<R> tagExtractor) {
      if (payload instanceof Measurement measurement) {
        measurement.answered();
      } else if (payload instanceof CoreCall call) {
        call.measurement().coreCall(-1);
      }
    }
  }

  /** The measured request's own answer, seen when it is sent. */
  private record Answer(Measurement measurement) {
  }

  /** An HTTP call of the measured request (to a core system), while it is in flight. */
  private record CoreCall(Measurement measurement) {
  }
}
