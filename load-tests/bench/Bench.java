import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.HdrHistogram.Histogram;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The bench: closed-loop load (N requests in flight, each worker sending its next request when the previous one
 * answered) against the floor, the gateway's routes and the sandbox directly, with warm-up, HdrHistogram
 * latencies, and a table of throughput, p50, p99 and ratios. Residents sign in through the real SMS-code flow.
 *
 * <pre>
 * java -cp target/yibao-gateway.jar load-tests/bench/Bench.java routes GATEWAY SANDBOX FLOOR OUT.md COMMIT
 * java -cp target/yibao-gateway.jar load-tests/bench/Bench.java sessions GATEWAY SANDBOX COUNT
 * </pre>
 */
public class Bench {

  static final String TERMINAL = "T11010500001-01";
  static final String SECRET = "DEMO-ONLY-terminal-secret-T11010500001-01";
  static final String JIA = "XA02BCA211A001010101467";
  static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 5);
  static final int MEASURE_SECONDS = Integer.getInteger("bench.seconds", 10);
  static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 32);

  static Vertx vertx;
  static WebClient client;
  static String gateway;
  static String sandbox;

  /** {@code concurrency} -1: open loop. {@code cpu}: µs of CPU per op of the server, Redis and the sandbox. */
  record Result(String name, int concurrency, double perSecond, double p50, double p99, long errors, String cpu) {
  }

  /** The processes whose CPU the bench reads (pids from bench.sh; absent: the CPU column says n/a). */
  enum Server {
    GATEWAY("bench.pid.gateway"), FLOOR("bench.pid.floor"), SANDBOX("bench.pid.sandbox"), REDIS("bench.pid.redis");

    final long pid;

    Server(String property) {
      this.pid = Long.getLong(property, -1L);
    }

    /** User + system CPU so far in µs, or -1 when unknown. */
    long cpuMicros() {
      if (pid < 0) {
        return -1;
      }
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 1_000_000L / Long.getLong("bench.clockTicks", 100L);
      } catch (Exception e) {
        return -1;
      }
    }
  }

  /** CPU readings of the serving process, Redis and the sandbox, to take the difference over a row. */
  record Cpu(Server server, long serverMicros, long redisMicros, long sandboxMicros) {
    static Cpu now(Server server) {
      return new Cpu(server, server.cpuMicros(), Server.REDIS.cpuMicros(), Server.SANDBOX.cpuMicros());
    }

    String perOp(long ops) {
      Cpu end = now(server);
      if (ops == 0 || serverMicros < 0 || end.serverMicros < 0) {
        return "n/a";
      }
      String server = String.format(Locale.ROOT, "%.0f", (end.serverMicros - serverMicros) / (double) ops);
      String redis = redisMicros < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", (end.redisMicros - redisMicros) / (double) ops);
      String sandbox = sandboxMicros < 0 || this.server == Server.SANDBOX ? "-"
          : String.format(Locale.ROOT, "%.0f", (end.sandboxMicros - sandboxMicros) / (double) ops);
      return server + ", " + redis + ", " + sandbox;
    }
  }

  /** One worker's next request; completes with the latency to record in µs, or -1 when the answer was wrong. */
  interface Op extends Function<Integer, Future<Long>> {
  }

  /** Times a whole request (or chain of requests). */
  static Op timed(Function<Integer, Future<Boolean>> request) {
    return w -> {
      long start = System.nanoTime();
      return request.apply(w).map(ok -> ok ? Math.max(1, (System.nanoTime() - start) / 1000) : -1L);
    };
  }

  public static void main(String[] args) throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setTcpNoDelay(true)
        .setConnectTimeout(5000), new PoolOptions().setHttp1MaxSize(512));
    gateway = args[1];
    sandbox = args[2];
    try {
      if (args[0].equals("sessions")) {
        sessions(Integer.parseInt(args[3]), args.length > 4 ? Long.parseLong(args[4]) : 0);
      } else {
        routes(args[3], Path.of(args[4]), args.length > 5 ? args[5] : "unknown");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  // --- the measurements ------------------------------------------------------------------------------------------

  static void routes(String floor, Path out, String commit) throws Exception {
    int c = CONCURRENCY;
    System.out.println("signing in " + c + " residents through the SMS-code flow ...");
    List<Resident> residents = new ArrayList<>();
    for (int i = 0; i < c; i++) {
      residents.add(await(Resident.signIn(2000 + i * 10, true)));
    }
    Resident unbound = await(Resident.signIn(5000, false));
    List<Result> results = new ArrayList<>();

    // The JIT first: every gateway route mixed, so that no row is measured while C2 is still compiling the code it
    // runs (the first rows used to be, and the numbers swung between runs).
    for (Resident r : residents) {
      await(r.issue());
    }
    int jitSeconds = Integer.getInteger("bench.jitWarmup", 20);
    System.out.println("warming up the JIT: all routes mixed for " + jitSeconds + " s");
    phase(c, w -> switch (w % 4) {
      case 0 -> timed(x -> get(gateway + "/api/v1/me", unbound.token, 200)).apply(w);
      case 1 -> timed(x -> get(gateway + "/api/v1/me", residents.get(w).token, 200)).apply(w);
      case 2 -> timed(x -> get(gateway + "/api/v1/insurance-code/" + residents.get(w).code, residents.get(w).token,
          200, "image/png")).apply(w);
      default -> timed(x -> residents.get(w).cycle()).apply(w);
    }, jitSeconds, null);

    results.add(run("floor: bare Vert.x + one Redis GET", c, Server.FLOOR, timed(w -> get(floor + "/floor", null, 200))));
    // The other rows, unless -Dbench.only names some of them.
    maybe(results, "GET /api/v1/me (not bound: gateway only)", c,
        timed(w -> get(gateway + "/api/v1/me", unbound.token, 200)));
    maybe(results, "GET /api/v1/me (bound: + registry, accounts)", c,
        timed(w -> get(gateway + "/api/v1/me", residents.get(w).token, 200)));
    maybe(results, "POST /api/v1/insurance-code (issue)", c,
        timed(w -> residents.get(w).issue().map(code -> code != null)));
    for (Resident r : residents) {
      await(r.issue());
    }
    maybe(results, "GET code PNG (Accept: image/png)", c, timed(w -> get(gateway + "/api/v1/insurance-code/"
        + residents.get(w).code, residents.get(w).token, 200, "image/png")));
    int quarter = Math.max(1, c / 4);
    maybe(results, "settle cycle via gateway: issue+resolve+preview+settle", quarter,
        timed(w -> residents.get(w).cycle()));

    // The settlement overhead, as the issue defines it: at half the gateway's maximum settle rate, the settle
    // request through the gateway against the same 2102 sent straight to the sandbox.
    List<Result> settle = new ArrayList<>();
    if (wanted("settle")) {
      Result max = run("settle step, closed loop: the maximum rate (issue+resolve+settle per op)", quarter, Server.GATEWAY,
          w -> residents.get(w).settleOnly());
      settle.add(max);
      double half = max.perSecond() / 2;
      settle.add(openLoop(String.format(Locale.ROOT, "POST /pos/v1/settlements at %.0f/s (half the maximum)", half),
          half, residents, Server.GATEWAY, Resident::settleOnly));
      settle.add(openLoop(String.format(Locale.ROOT, "POST sandbox /settlement/2102 direct at %.0f/s", half),
          half, residents, Server.SANDBOX, r -> timed(w -> directSettle(r)).apply(0)));
    }

    List<String> degraded = wanted("degraded") ? degraded(unbound, residents) : List.of();

    StringBuilder table = new StringBuilder();
    table.append(String.format(Locale.ROOT, "| route | in flight | req/s | p50 ms | p99 ms | errors | CPU µs/op: server, Redis, sandbox | ratio |%n"));
    table.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
    double floorRate = results.get(0).perSecond();
    for (Result r : results) {
      String ratio = r.name().startsWith("floor") ? "1.00 (the floor)"
          : String.format(Locale.ROOT, "%.2f of floor throughput", r.perSecond() / floorRate);
      table.append(row(r, ratio));
    }
    if (!settle.isEmpty()) {
      table.append(String.format(Locale.ROOT, "%n**Settlement overhead at half the maximum rate** (open loop: requests "
          + "arrive at a fixed rate whatever the answers do)%n%n"));
      table.append(String.format(Locale.ROOT, "| route | in flight | req/s | p50 ms | p99 ms | errors | CPU µs/op: server, Redis, sandbox | ratio |%n"));
      table.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
      Result gw = settle.get(1);
      Result direct = settle.get(2);
      table.append(row(settle.get(0), "the maximum"));
      table.append(row(gw, String.format(Locale.ROOT, "+%.2f ms p50, +%.2f ms p99 over direct", gw.p50() - direct.p50(),
          gw.p99() - direct.p99())));
      table.append(row(direct, "the baseline"));
    }
    if (!degraded.isEmpty()) {
      table.append(String.format(Locale.ROOT, "%n**Settlement system hung** (sandbox fault `hang`; 8 terminals keep "
          + "trying to settle, one attempt per 100 ms each, in both phases)%n%n"));
      degraded.forEach(line -> table.append(line).append('\n'));
    }
    String header = String.format(Locale.ROOT,
        "# Bench %s%n%nMachine: %d cores, JVM %s (%s), commit %s. Closed loop unless a row says otherwise, %d s warm-up "
            + "then %d s measured per row; load generator, gateway, sandbox, Redis and floor all on this machine. "
            + "CPU µs/op is the user+system CPU the serving process (gateway, floor or sandbox), Redis and the sandbox "
            + "spent per completed op during the row, from /proc.%n%n",
        LocalDateTime.now(ZoneId.of("Asia/Shanghai")).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        System.getProperty("java.vm.name"), commit, WARMUP_SECONDS, MEASURE_SECONDS);
    if ("1".equals(System.getProperty("bench.pinned"))) {
      header += "Pinned (BENCH_PIN=1, taskset): the load generator runs alone on CPU 1; Redis, the sandbox, the gateway "
          + "and the floor share CPU 0 (so the core count above is the generator's).\n\n";
    }
    System.out.println();
    System.out.println(table);
    Files.createDirectories(out.getParent());
    Files.writeString(out, header + table);
    System.out.println("written to " + out);
  }

  static String row(Result r, String ratio) {
    return String.format(Locale.ROOT, "| %s | %s | %.0f | %.2f | %.2f | %d | %s | %s |%n", r.name(),
        r.concurrency() < 0 ? "open" : Integer.toString(r.concurrency()), r.perSecond(), r.p50(), r.p99(), r.errors(),
        r.cpu(), ratio);
  }

  // --- the core hung -----------------------------------------------------------------------------------------------

  /**
   * /me and code issue with the settlement system healthy, then hung (every 2102 hangs until the gateway's timeout),
   * while terminals keep trying to settle; then the time until settling works again after the hang ends.
   */
  static List<String> degraded(Resident unbound, List<Resident> residents) throws Exception {
    List<Resident> terminals = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      terminals.add(await(Resident.signIn(7000 + i * 10, true)));
    }
    int c = CONCURRENCY;
    List<String> lines = new ArrayList<>();
    lines.add("| phase | GET /api/v1/me req/s | code issue req/s | settle attempts | settle p50 ms | settle p99 ms | settle max ms | settle answers |");
    lines.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    // Healthy, hung, healthy again (once settling works): the hung phase is compared with the mean of the two
    // healthy ones, so that a machine drifting during the run does not pass for the hang's effect.
    List<double[]> healthy = new ArrayList<>();
    String recovered = "";
    for (String phase : List.of("healthy", "settlement hung", "healthy again")) {
      boolean hung = phase.equals("settlement hung");
      if (hung) {
        await(post(sandbox + "/_sandbox/faults", null, new JsonObject().put("service", "settlement").put("hang", true)));
      }
      Background attempts = Background.start(terminals);
      Result me = run("GET /api/v1/me (not bound), " + phase, c, Server.GATEWAY,
          timed(w -> get(gateway + "/api/v1/me", unbound.token, 200)));
      Result issue = run("POST /api/v1/insurance-code, " + phase, c, Server.GATEWAY,
          timed(w -> residents.get(w).issue().map(code -> code != null)));
      attempts.stop();
      String label = phase;
      if (!hung) {
        healthy.add(new double[] {me.perSecond(), issue.perSecond()});
      }
      lines.add(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %d | %.0f | %.0f | %.0f | %s |", label, me.perSecond(),
          issue.perSecond(), attempts.histogram.getTotalCount(), attempts.histogram.getValueAtPercentile(50) / 1000.0,
          attempts.histogram.getValueAtPercentile(99) / 1000.0, attempts.histogram.getMaxValue() / 1000.0,
          attempts.statuses));
      if (hung) {
        hungRates = new double[] {me.perSecond(), issue.perSecond()};
        recovered = heal(terminals.get(0));
      }
    }
    double meHealthy = (healthy.get(0)[0] + healthy.get(1)[0]) / 2;
    double issueHealthy = (healthy.get(0)[1] + healthy.get(1)[1]) / 2;
    lines.add("");
    lines.add(String.format(Locale.ROOT, "While the settlement system hung, GET /api/v1/me kept %.2f and code issue %.2f "
        + "of their throughput (against the mean of the two healthy phases). %s", hungRates[0] / meHealthy,
        hungRates[1] / issueHealthy, recovered));
    return lines;
  }

  static double[] hungRates;

  /** Ends the hang and waits for the first settlement that succeeds; says how long that took. */
  static String heal(Resident probe) throws Exception {
    await(client.deleteAbs(sandbox + "/_sandbox/faults").send());
    long healed = System.nanoTime();
    int status = 0;
    while (status != 201 && System.nanoTime() - healed < 120_000_000_000L) {
      status = await(probe.settleAttempt()).status();
      if (status != 201) {
        Thread.sleep(100);
      }
    }
    return String.format(Locale.ROOT, "After the hang ended, the first settlement succeeded %.1f s later%s.",
        (System.nanoTime() - healed) / 1e9, status == 201 ? "" : " (NOT within 120 s)");
  }

  /** Terminals settling in the background, each one attempt every 100 ms: latencies and answers. */
  static final class Background {
    final Histogram histogram = new Histogram(60_000_000L, 3);
    final java.util.Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
    volatile boolean running = true;

    static Background start(List<Resident> terminals) {
      Background b = new Background();
      vertx.runOnContext(v -> terminals.forEach(b::next));
      return b;
    }

    void next(Resident r) {
      if (!running) {
        return;
      }
      r.settleAttempt().onComplete(done -> {
        if (done.succeeded()) {
          synchronized (histogram) {
            histogram.recordValue(Math.max(1, done.result().micros()));
          }
          statuses.merge(done.result().status(), 1, Integer::sum);
        } else {
          statuses.merge(-1, 1, Integer::sum);
        }
        vertx.setTimer(100, t -> next(r));
      });
    }

    void stop() {
      running = false;
    }
  }

  /**
   * Signs in {@code count} sessions through the SMS-code flow, 32 at a time, each then used once; then sends
   * {@code requests} more GET /api/v1/me over those sessions (so that two memory rows can see as much traffic).
   */
  static void sessions(int count, long requests) throws Exception {
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    List<Future<Void>> lanes = new ArrayList<>();
    List<String> tokens = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int lane = 0; lane < 32; lane++) {
      int first = lane;
      lanes.add(signInFrom(first, count, done, tokens));
    }
    Future.all(lanes).toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
    System.out.printf(Locale.ROOT, "%d sessions signed in in %.1f s%n", done.get(), (System.nanoTime() - start) / 1e9);
    if (requests > 0) {
      long t = System.nanoTime();
      AtomicLong sent = new AtomicLong();
      List<Future<Void>> more = new ArrayList<>();
      for (int lane = 0; lane < 32; lane++) {
        more.add(useAgain(tokens, requests, sent));
      }
      Future.all(more).toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
      System.out.printf(Locale.ROOT, "%d more requests in %.1f s%n", sent.get(), (System.nanoTime() - t) / 1e9);
    }
  }

  /** One lane of requests; a loop of callbacks, not a chain of futures (300 000 links would overflow the stack). */
  static Future<Void> useAgain(List<String> tokens, long requests, AtomicLong sent) {
    io.vertx.core.Promise<Void> lane = io.vertx.core.Promise.promise();
    next(tokens, requests, sent, lane);
    return lane.future();
  }

  static void next(List<String> tokens, long requests, AtomicLong sent, io.vertx.core.Promise<Void> lane) {
    long n = sent.getAndIncrement();
    if (n >= requests) {
      lane.tryComplete();
      return;
    }
    get(gateway + "/api/v1/me", tokens.get((int) (n % tokens.size())), 200)
        .onComplete(r -> next(tokens, requests, sent, lane));
  }

  static Future<Void> signInFrom(int i, int count, AtomicLong done, List<String> tokens) {
    if (i >= count) {
      return Future.succeededFuture();
    }
    // Distinct phone numbers outside the population (13xxxxxxxxx): accounts are created at first sign-in.
    String phone = String.format("13%09d", 100_000_000 + i);
    // Each session is used once (GET /api/v1/me), as a live one would be: the gateway then also holds what it keeps
    // per verified access token (bounded), which this measurement must include.
    return Resident.login(phone, "bench-" + i).compose(r -> {
      tokens.add(r.token);
      return get(gateway + "/api/v1/me", r.token, 200);
    }).transform(r -> {
      done.incrementAndGet();
      return signInFrom(i + 32, count, done, tokens);
    });
  }

  // --- closed-loop runner -------------------------------------------------------------------------------------------

  static Result run(String name, int concurrency, Server server, Op op) throws Exception {
    System.out.println("warming up: " + name);
    phase(concurrency, op, WARMUP_SECONDS, null);
    Histogram histogram = new Histogram(60_000_000L, 3);
    AtomicLong errors = new AtomicLong();
    Cpu cpu = Cpu.now(server);
    long completed = phase(concurrency, op, MEASURE_SECONDS, new Object[] {histogram, errors});
    Result r = new Result(name, concurrency, completed / (double) MEASURE_SECONDS,
        histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0, errors.get(),
        cpu.perOp(completed));
    System.out.printf(Locale.ROOT, "  %.0f/s p50 %.2f ms p99 %.2f ms errors %d%n", r.perSecond(), r.p50(), r.p99(),
        r.errors());
    return r;
  }

  /**
   * Open loop: ops start at {@code rate} per second whatever the answers do, each with a resident that is not
   * busy (a resident has one code at a time); an arrival that finds none free counts as an error.
   */
  static Result openLoop(String name, double rate, List<Resident> residents, Server server,
                         Function<Resident, Future<Long>> op) throws Exception {
    System.out.println("warming up: " + name);
    openPhase(rate, residents, op, WARMUP_SECONDS, null);
    Histogram histogram = new Histogram(60_000_000L, 3);
    AtomicLong errors = new AtomicLong();
    Cpu cpu = Cpu.now(server);
    long completed = openPhase(rate, residents, op, MEASURE_SECONDS, new Object[] {histogram, errors});
    Result r = new Result(name, -1, completed / (double) MEASURE_SECONDS, histogram.getValueAtPercentile(50) / 1000.0,
        histogram.getValueAtPercentile(99) / 1000.0, errors.get(), cpu.perOp(completed));
    System.out.printf(Locale.ROOT, "  %.0f/s p50 %.2f ms p99 %.2f ms errors %d%n", r.perSecond(), r.p50(), r.p99(),
        r.errors());
    return r;
  }

  static long openPhase(double rate, List<Resident> residents, Function<Resident, Future<Long>> op, int seconds,
                        Object[] record) throws Exception {
    java.util.Queue<Resident> free = new java.util.concurrent.ConcurrentLinkedQueue<>(residents);
    AtomicLong completed = new AtomicLong();
    AtomicLong outstanding = new AtomicLong();
    CompletableFuture<Void> all = new CompletableFuture<>();
    long start = System.nanoTime();
    long total = (long) (rate * seconds);
    long[] started = {0};
    vertx.runOnContext(v -> vertx.setPeriodic(1, timer -> {
      long due = Math.min(total, (long) ((System.nanoTime() - start) / 1e9 * rate));
      for (; started[0] < due; started[0]++) {
        Resident r = free.poll();
        if (r == null) {
          if (record != null) {
            ((AtomicLong) record[1]).incrementAndGet();
          }
          continue;
        }
        outstanding.incrementAndGet();
        op.apply(r).onComplete(done -> {
          free.add(r);
          if (record != null) {
            if (done.failed() || done.result() < 0) {
              ((AtomicLong) record[1]).incrementAndGet();
            } else {
              synchronized (record[0]) {
                ((Histogram) record[0]).recordValue(done.result());
              }
            }
          }
          completed.incrementAndGet();
          if (outstanding.decrementAndGet() == 0 && started[0] >= total) {
            all.complete(null);
          }
        });
      }
      if (started[0] >= total) {
        vertx.cancelTimer(timer);
        if (outstanding.get() == 0) {
          all.complete(null);
        }
      }
    }));
    all.get(seconds + 120L, TimeUnit.SECONDS);
    return completed.get();
  }

  static final String ONLY = System.getProperty("bench.only", "");

  static boolean wanted(String name) {
    return ONLY.isBlank() || java.util.Arrays.stream(ONLY.split(",")).anyMatch(w -> name.toLowerCase(Locale.ROOT)
        .contains(w.trim().toLowerCase(Locale.ROOT)));
  }

  /** Runs a gateway row unless -Dbench.only names other rows. */
  static void maybe(List<Result> results, String name, int concurrency, Op op) throws Exception {
    if (wanted(name)) {
      results.add(run(name, concurrency, Server.GATEWAY, op));
    }
  }

  static long phase(int concurrency, Op op, int seconds, Object[] record) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong completed = new AtomicLong();
    CompletableFuture<Void> all = new CompletableFuture<>();
    AtomicLong running = new AtomicLong(concurrency);
    vertx.runOnContext(v -> {
      for (int w = 0; w < concurrency; w++) {
        loop(w, op, end, completed, record, running, all);
      }
    });
    all.get(seconds + 120L, TimeUnit.SECONDS);
    return completed.get();
  }

  static void loop(int worker, Op op, long end, AtomicLong completed, Object[] record, AtomicLong running,
                   CompletableFuture<Void> all) {
    if (System.nanoTime() >= end) {
      if (running.decrementAndGet() == 0) {
        all.complete(null);
      }
      return;
    }
    long start = System.nanoTime();
    op.apply(worker).onComplete(r -> {
      if (record != null) {
        if (r.failed() || r.result() < 0) {
          ((AtomicLong) record[1]).incrementAndGet();
          ((Histogram) record[0]).recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
        } else {
          ((Histogram) record[0]).recordValue(r.result());
        }
      }
      completed.incrementAndGet();
      loop(worker, op, end, completed, record, running, all);
    });
  }

  // --- requests -------------------------------------------------------------------------------------------------------

  static Future<Boolean> get(String url, String token, int expect) {
    return get(url, token, expect, null);
  }

  static Future<Boolean> get(String url, String token, int expect, String accept) {
    HttpRequest<Buffer> req = client.requestAbs(HttpMethod.GET, url).timeout(10_000);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    if (accept != null) {
      req.putHeader("Accept", accept);
    }
    return req.send().map(r -> r.statusCode() == expect);
  }

  static Future<HttpResponse<Buffer>> post(String url, String token, JsonObject body) {
    HttpRequest<Buffer> req = client.requestAbs(HttpMethod.POST, url).timeout(10_000);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return body == null ? req.send() : req.sendJsonObject(body);
  }

  static Future<HttpResponse<Buffer>> pos(String path, JsonObject body, String idempotencyKey) {
    byte[] bytes = body.toBuffer().getBytes();
    String ts = Long.toString(System.currentTimeMillis() / 1000);
    String nonce = UUID.randomUUID().toString().replace("-", "");
    HttpRequest<Buffer> req = client.requestAbs(HttpMethod.POST, gateway + path).timeout(10_000)
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Terminal-Id", TERMINAL).putHeader("X-Timestamp", ts).putHeader("X-Nonce", nonce)
        .putHeader("X-Signature", sign("POST", path, ts, nonce, bytes));
    if (idempotencyKey != null) {
      req.putHeader("Idempotency-Key", idempotencyKey);
    }
    return req.sendBuffer(Buffer.buffer(bytes));
  }

  static String sign(String method, String path, String ts, String nonce, byte[] body) {
    try {
      String text = method + "\n" + path + "\n" + ts + "\n" + nonce + "\n"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static final AtomicLong DIRECT_SEQ = new AtomicLong();

  /** Generated pharmacies of the sandbox (see Population): "P" + district + sequence, for i = 1..10. */
  static final String[] DISTRICTS = {"110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111",
      "110112", "110113", "110114", "110115"};

  /**
   * The same 2102 the gateway sends, straight to the sandbox. Message ids allow 9 999 per pharmacy and second, so
   * the direct calls rotate over the generated pharmacies (never the demo pharmacy the gateway uses).
   */
  static Future<Boolean> directSettle(Resident r) {
    long n = DIRECT_SEQ.incrementAndGet();
    int pharmacy = 2 + (int) (n % 9);
    String fix = "P" + DISTRICTS[pharmacy % DISTRICTS.length] + String.format("%05d", 100 + pharmacy);
    String second = LocalDateTime.now(ZoneId.of("Asia/Shanghai")).format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
    String msgid = fix + second + String.format("%04d", 1 + (n / 9) % 9_999);
    JsonObject envelope = new JsonObject().put("infno", "2102").put("msgid", msgid).put("fixmedins_code", fix)
        .put("mdtrtarea_admvs", "110105").put("insuplc_admdvs", "110105").put("recer_sys_code", "BENCH")
        .put("infver", "V1.0").put("opter_type", "1").put("opter", "bench").put("inf_time", second).put("sign_no", "")
        .put("input", new JsonObject().put("psn_no", r.psnNo).put("mdtrt_cert_type", "01").put("mdtrt_cert_no", "bench")
            .put("insutype", r.insuType).put("med_type", "41").put("acct_used_flag", "0")
            .put("drugdetail", new JsonArray().add(new JsonObject().put("med_list_codg", JIA).put("cnt", 1).put("pric", 2180))));
    return post(sandbox + "/settlement/2102", null, envelope).map(resp -> resp.statusCode() == 200
        && resp.bodyAsJsonObject().getInteger("infcode", -1) == 0);
  }

  // --- residents ------------------------------------------------------------------------------------------------------

  static final class Resident {
    String token;
    String psnNo;
    String insuType;
    String code;

    /** Population person {@code index}: signs in by SMS code and, when {@code activate}, binds and activates. */
    static Future<Resident> signIn(int index, boolean activate) {
      String psnNo = "11" + String.format("%018d", 1000L + index);
      return client.getAbs(sandbox + "/registry/persons/" + psnNo).send().compose(found -> {
        JsonObject p = found.statusCode() == 200 ? found.bodyAsJsonObject() : new JsonObject();
        if (p.getString("mobile") == null || !"ACTIVE".equals(p.getString("status"))) {
          if (found.statusCode() != 200) {
            return Future.failedFuture("no person " + psnNo + ": is the sandbox population large enough?");
          }
          return signIn(index + 1, activate); // a child without a phone: take the next person
        }
        return login(p.getString("mobile"), "bench-device-" + index).compose(r -> {
          r.psnNo = psnNo;
          r.insuType = p.getString("insuType");
          if (!activate) {
            return Future.succeededFuture(r);
          }
          return post(sandbox + "/_sandbox/identity/face", null, new JsonObject().put("psnNo", psnNo))
              .compose(face -> post(gateway + "/api/v1/me/real-name", r.token, new JsonObject()
                  .put("name", p.getString("name")).put("idNumber", p.getString("idNumber"))
                  .put("faceToken", face.bodyAsJsonObject().getString("faceToken"))))
              // each face result works once: a fresh one for the activation
              .compose(x -> post(sandbox + "/_sandbox/identity/face", null, new JsonObject().put("psnNo", psnNo)))
              .compose(face -> post(gateway + "/api/v1/insurance-code/activation", r.token,
                  new JsonObject().put("faceToken", face.bodyAsJsonObject().getString("faceToken"))))
              .map(r);
        });
      });
    }

    static Future<Resident> login(String phone, String device) {
      return post(gateway + "/api/v1/auth/otp", null, new JsonObject().put("phone", phone))
          .compose(x -> client.getAbs(sandbox + "/_sandbox/sms?phone=" + phone).send())
          .compose(sms -> {
            String otp = sms.bodyAsJsonObject().getJsonArray("messages").getJsonObject(0).getJsonObject("params")
                .getString("code");
            return post(gateway + "/api/v1/auth/login", null, new JsonObject().put("phone", phone).put("otp", otp)
                .put("deviceId", device).put("deviceName", "bench"));
          }).map(login -> {
            Resident r = new Resident();
            r.token = login.bodyAsJsonObject().getString("accessToken");
            return r;
          });
    }

    Future<String> issue() {
      return post(gateway + "/api/v1/insurance-code", token, null).map(r -> {
        code = r.statusCode() == 201 ? r.bodyAsJsonObject().getString("code") : null;
        return code;
      });
    }

    Future<String> visit() {
      return issue().compose(c -> pos("/pos/v1/codes/resolve", new JsonObject().put("code", c), null))
          .map(r -> r.bodyAsJsonObject().getString("visitToken"));
    }

    static JsonObject purchase(String visit) {
      return new JsonObject().put("visitToken", visit).put("useAccount", false).put("items", new JsonArray()
          .add(new JsonObject().put("catalogCode", JIA).put("quantity", 1).put("unitPriceFen", 2180)));
    }

    Future<Boolean> cycle() {
      return visit().compose(v -> pos("/pos/v1/settlements/preview", purchase(v), null)
          .compose(p -> pos("/pos/v1/settlements", purchase(v), UUID.randomUUID().toString())))
          .map(r -> r.statusCode() == 201);
    }

    record Attempt(int status, long micros) {
    }

    /** A visit, then one settle request: its answer's status and how long it took (any answer counts). */
    Future<Attempt> settleAttempt() {
      return visit().compose(v -> {
        long start = System.nanoTime();
        return pos("/pos/v1/settlements", purchase(v), UUID.randomUUID().toString())
            .map(r -> new Attempt(r.statusCode(), (System.nanoTime() - start) / 1000));
      });
    }

    /** Prepares a visit (issue + resolve) outside the timing, then times only the settle request. */
    Future<Long> settleOnly() {
      return visit().compose(v -> {
        long start = System.nanoTime();
        return pos("/pos/v1/settlements", purchase(v), UUID.randomUUID().toString())
            .map(r -> r.statusCode() == 201 ? Math.max(1, (System.nanoTime() - start) / 1000) : -1L);
      });
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
