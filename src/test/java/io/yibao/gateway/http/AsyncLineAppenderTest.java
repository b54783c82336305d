package io.yibao.gateway.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.vertx.core.json.JsonObject;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log writer's rules: the caller never waits, a full queue drops lines and says how many, stop writes the rest. */
class AsyncLineAppenderTest {

  private final CountDownLatch stdoutAccepts = new CountDownLatch(1);
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final LoggerContext context = new LoggerContext();

  {
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    context.start();
  }

  /** stdout that accepts nothing until the test lets it (a pipe nobody reads). */
  private final OutputStream stuckStdout = new OutputStream() {
    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      try {
        stdoutAccepts.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (written) {
        written.write(b, off, len);
      }
    }
  };

  private AsyncLineAppender appender(int queueSize) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.start();
    AsyncLineAppender appender = new AsyncLineAppender();
    appender.setContext(context);
    appender.setName("test");
    appender.setEncoder(encoder);
    appender.setQueueSize(queueSize);
    appender.setTarget(stuckStdout);
    appender.start();
    Logger logger = context.getLogger("access");
    logger.setAdditive(false);
    logger.addAppender(appender);
    return appender;
  }

  private List<JsonObject> lines() {
    synchronized (written) {
      return written.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new).toList();
    }
  }

  @Test
  void aFullQueueDropsLinesWithoutBlockingAndTheLogSaysHowMany() {
    AsyncLineAppender appender = appender(4);
    Logger log = context.getLogger("access");
    // The writer takes the first line and is stuck writing it; 4 more fill the queue; 5 more find it full.
    log.info("line 0");
    for (int i = 1; i < 10; i++) {
      log.info("line " + i); // returns at once even though stdout accepts nothing
    }
    stdoutAccepts.countDown();
    assertTrue(appender.flush(Duration.ofSeconds(5)));
    List<JsonObject> lines = lines();
    List<JsonObject> dropped = lines.stream().filter(l -> l.getString("message").startsWith("log lines dropped")).toList();
    assertEquals(1, dropped.size(), lines.toString());
    assertEquals("WARN", dropped.get(0).getString("level"));
    long requests = lines.stream().filter(l -> l.getString("message").startsWith("line ")).count();
    assertEquals(10, requests + dropped.get(0).getLong("dropped"), lines.toString());
    assertTrue(requests >= 4, "at least the queue's worth is written: " + lines);
    appender.stop();
  }

  @Test
  void stopWritesWhatIsQueued() {
    AsyncLineAppender appender = appender(100);
    Logger log = context.getLogger("access");
    for (int i = 0; i < 50; i++) {
      log.info("line " + i);
    }
    stdoutAccepts.countDown();
    appender.stop();
    assertEquals(50, lines().size());
    assertEquals("line 49", lines().get(49).getString("message"));
  }
}
