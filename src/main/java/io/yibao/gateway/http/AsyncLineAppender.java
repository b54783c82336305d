package io.yibao.gateway.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The log's writer: every line (the access log's one per request above all) leaves the logging thread as an
 * event in a bounded queue; one writer thread encodes what has gathered and writes it to stdout in one
 * {@code write}, so neither the encoding (JSON) nor the I/O happens on an event loop, and a busy gateway makes one
 * system call per batch instead of one per line (logback's {@code ConsoleAppender} flushes {@code System.out} for
 * every line).
 * <ul>
 *   <li>Never blocks the caller: when the queue is full ({@code queueSize}, 8192 lines by default, about a third
 *       of a second of the busiest route) the line is dropped and counted; the writer then logs one WARN
 *       {@code "log lines dropped"} with the count, so a loss is visible in the log itself.</li>
 *   <li>Nothing is lost on a graceful stop: {@link #flushAll} (the gateway's stop calls it) returns once every
 *       line logged before the call is written; stopping the logger context (the last step of the shutdown hook)
 *       writes what is left, waiting at most {@code maxFlushMillis}.</li>
 *   <li>Lines written while stdout is slow wait in the queue, not on the event loop.</li>
 * </ul>
 */
public final class AsyncLineAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  /** A marker in the queue: counted down once everything before it is written. */
  private static final class Flush extends LoggingEvent {
    final CountDownLatch written = new CountDownLatch(1);
  }

  private static final int BATCH = 512;

  private Encoder<ILoggingEvent> encoder;
  private int queueSize = 8192;
  private long maxFlushMillis = 2000;
  private OutputStream target;
  private ArrayBlockingQueue<ILoggingEvent> queue;
  private Thread writer;
  private final AtomicLong dropped = new AtomicLong();

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  public void setMaxFlushMillis(long maxFlushMillis) {
    this.maxFlushMillis = maxFlushMillis;
  }

  /** Where lines go; stdout unless set (tests give a stream of their own). */
  public void setTarget(OutputStream target) {
    this.target = target;
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("no encoder for " + name);
      return;
    }
    if (target == null) {
      // Straight to file descriptor 1: System.out would flush after every write.
      target = new FileOutputStream(FileDescriptor.out);
    }
    queue = new ArrayBlockingQueue<>(Math.max(1, queueSize));
    writer = new Thread(this::writeLoop, "log-writer-" + name);
    writer.setDaemon(true);
    super.start();
    writer.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    // The writer encodes later, on its own thread: fix what the event reads from this thread now (message,
    // thread name, MDC).
    event.prepareForDeferredProcessing();
    if (!queue.offer(event)) {
      dropped.incrementAndGet();
    }
  }

  /** Returns once every line appended before the call is written, or after {@code timeout}; false then. */
  public boolean flush(Duration timeout) {
    if (!isStarted()) {
      return true;
    }
    Flush marker = new Flush();
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      return queue.offer(marker, timeout.toNanos(), TimeUnit.NANOSECONDS)
          && marker.written.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Flushes every {@code AsyncLineAppender} of the logging configuration; false when one did not finish in time. */
  public static boolean flushAll(Duration timeout) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return true;
    }
    boolean all = true;
    for (Logger logger : context.getLoggerList()) {
      for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
        if (it.next() instanceof AsyncLineAppender appender) {
          all &= appender.flush(timeout);
        }
      }
    }
    return all;
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    writer.interrupt();
    try {
      writer.join(maxFlushMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      addWarn("log writer did not finish within " + maxFlushMillis + " ms; " + queue.size() + " lines not written");
    }
  }

  private void writeLoop() {
    List<ILoggingEvent> batch = new ArrayList<>(BATCH);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
    boolean stopping = false;
    while (true) {
      try {
        if (!stopping) {
          batch.add(queue.take());
        }
      } catch (InterruptedException e) {
        stopping = true; // stop(): write what is queued, then end
      }
      queue.drainTo(batch, BATCH - batch.size());
      if (batch.isEmpty() && stopping) {
        write(bytes);
        return;
      }
      List<Flush> flushes = null;
      for (ILoggingEvent event : batch) {
        if (event instanceof Flush f) {
          (flushes == null ? flushes = new ArrayList<>() : flushes).add(f);
        } else {
          encode(event, bytes);
        }
      }
      batch.clear();
      long lost = dropped.getAndSet(0);
      if (lost > 0) {
        encode(droppedWarning(lost), bytes);
      }
      // Write when the queue has run dry (or a full buffer's worth has gathered): lines never wait for more lines.
      if (queue.isEmpty() || bytes.size() >= 64 * 1024 || flushes != null) {
        write(bytes);
        if (flushes != null) {
          flushes.forEach(f -> f.written.countDown());
        }
      }
    }
  }

  private void encode(ILoggingEvent event, ByteArrayOutputStream bytes) {
    try {
      bytes.writeBytes(encoder.encode(event));
    } catch (RuntimeException e) {
      addError("could not encode a log line", e);
    }
  }

  private void write(ByteArrayOutputStream bytes) {
    if (bytes.size() == 0) {
      return;
    }
    try {
      bytes.writeTo(target);
      target.flush();
    } catch (IOException e) {
      addError("could not write the log", e);
    }
    bytes.reset();
  }

  private ILoggingEvent droppedWarning(long lost) {
    LoggerContext context = (LoggerContext) getContext();
    Logger logger = context == null ? (Logger) LoggerFactory.getLogger("log") : context.getLogger("log");
    LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, Level.WARN,
        "log lines dropped: the log queue was full", null,
        new Object[] {net.logstash.logback.argument.StructuredArguments.kv("dropped", lost)});
    event.prepareForDeferredProcessing();
    return event;
  }
}
