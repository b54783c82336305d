package io.yibao.gateway.testing;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Watches a test Redis with MONITOR and reports keys that Lua scripts touched without declaring them in KEYS
 * (keys computed inside a script break Redis Cluster, where the caller routes by the declared keys). Which
 * arguments of a command are keys, Redis itself says ({@code COMMAND GETKEYS}).
 */
public final class ScriptKeys implements AutoCloseable {

  private final TestRedis redis;
  private final Socket socket;
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final Thread reader;

  private ScriptKeys(TestRedis redis) throws IOException {
    this.redis = redis;
    this.socket = new Socket("127.0.0.1", redis.port());
    socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    if (!"+OK".equals(in.readLine())) {
      throw new IllegalStateException("MONITOR refused");
    }
    reader = new Thread(() -> {
      try {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException closed) {
        // the test is done
      }
    }, "redis-monitor");
    reader.setDaemon(true);
    reader.start();
  }

  public static ScriptKeys watch(TestRedis redis) {
    try {
      return new ScriptKeys(redis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many script calls were seen, so a test can tell that it exercised any. */
  public int scriptCalls() {
    return (int) snapshot().stream().map(ScriptKeys::args).filter(a -> !a.isEmpty() && isEval(a.get(0))).count();
  }

  /** Every "command key (script sha)" that a script touched without declaring it, in the order seen. */
  public Set<String> undeclared() {
    // Waits until a marker sent now comes back: everything before it has been seen.
    String marker = "script-keys-" + System.nanoTime();
    redis.command("ECHO", marker);
    Await.until("the monitor to catch up", java.time.Duration.ofSeconds(5),
        () -> snapshot().stream().anyMatch(l -> l.contains(marker)));
    List<String> all = snapshot();
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < all.size(); i++) {
      if (!all.get(i).contains(" lua] ")) {
        continue;
      }
      int start = i;
      while (i + 1 < all.size() && all.get(i + 1).contains(" lua] ")) {
        i++;
      }
      // Redis 6 shows the EVAL before the commands it ran, Redis 7 after them.
      List<String> eval = start > 0 && isEval(first(all.get(start - 1))) ? args(all.get(start - 1))
          : i + 1 < all.size() && isEval(first(all.get(i + 1))) ? args(all.get(i + 1)) : List.of();
      Set<String> declared = new LinkedHashSet<>();
      if (!eval.isEmpty()) {
        int numKeys = Integer.parseInt(eval.get(2));
        declared.addAll(eval.subList(3, 3 + numKeys));
      }
      for (int j = start; j <= i; j++) {
        List<String> command = args(all.get(j));
        for (String key : keysOf(command)) {
          if (!declared.contains(key)) {
            out.add(command.get(0) + " " + key + " (script " + (eval.isEmpty() ? "?" : eval.get(1)) + ")");
          }
        }
      }
    }
    return out;
  }

  private List<String> snapshot() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  private static boolean isEval(String command) {
    return command.equalsIgnoreCase("EVALSHA") || command.equalsIgnoreCase("EVAL");
  }

  private static String first(String line) {
    List<String> a = args(line);
    return a.isEmpty() ? "" : a.get(0);
  }

  private List<String> keysOf(List<String> command) {
    List<String> ask = new ArrayList<>(List.of("COMMAND", "GETKEYS"));
    ask.addAll(command);
    try {
      String keys = redis.command(ask.toArray(String[]::new));
      return keys == null || keys.isEmpty() ? List.of() : List.of(keys.split("\n"));
    } catch (IllegalStateException noKeys) {
      return List.of();
    }
  }

  /** The quoted arguments of a MONITOR line, unescaped (Redis writes non-printable bytes as \xhh). */
  static List<String> args(String line) {
    List<String> out = new ArrayList<>();
    int i = line.indexOf("] ");
    if (i < 0) {
      return out;
    }
    i += 2;
    while (i < line.length()) {
      if (line.charAt(i) != '"') {
        i++;
        continue;
      }
      ByteArrayOutputStream arg = new ByteArrayOutputStream();
      i++;
      while (i < line.length() && line.charAt(i) != '"') {
        char c = line.charAt(i);
        if (c == '\\' && i + 1 < line.length()) {
          char e = line.charAt(i + 1);
          switch (e) {
            case 'x' -> {
              arg.write(Integer.parseInt(line.substring(i + 2, i + 4), 16));
              i += 4;
              continue;
            }
            case 'n' -> arg.write('\n');
            case 'r' -> arg.write('\r');
            case 't' -> arg.write('\t');
            case 'a' -> arg.write(7);
            case 'b' -> arg.write('\b');
            default -> arg.write(e);
          }
          i += 2;
          continue;
        }
        arg.write(c);
        i++;
      }
      i++;
      out.add(arg.toString(StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
