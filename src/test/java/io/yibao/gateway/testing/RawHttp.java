package io.yibao.gateway.testing;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a bare socket, for what no HTTP client will send: broken framing, unknown versions, invalid
 * escapes, huge request lines. Writes the bytes as given and reads one answer (by Content-Length, chunks, or until
 * the server closes).
 */
public final class RawHttp {

  /** One answer as it came off the wire; {@code status} is -1 when the server closed without one. */
  public record Answer(int status, Map<String, String> headers, String body) {

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public boolean isProblem() {
      return header("content-type") != null && header("content-type").startsWith("application/problem+json");
    }

    /** The problem body's code, or null when the answer is not a problem body. */
    public String code() {
      if (!isProblem()) {
        return null;
      }
      try {
        return new JsonObject(body).getString("code");
      } catch (RuntimeException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
    }
  }

  private RawHttp() {
  }

  public static Answer send(int port, String request) {
    return send(port, request.getBytes(StandardCharsets.UTF_8));
  }

  public static Answer send(int port, byte[] request) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(3_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Answer read(InputStream in) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      return new Answer(-1, Map.of(), "");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (headers.containsKey("content-length")) {
      int length = Integer.parseInt(headers.get("content-length"));
      body.write(in.readNBytes(length));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
        body.write(in.readNBytes(size));
        line(in);
      }
    } else if (status != 204 && status != 304 && status >= 200) {
      try {
        body.write(in.readAllBytes());
      } catch (SocketTimeoutException e) {
        // the server kept the connection open: what came is the body
      }
    }
    return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        break;
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    if (b == -1 && line.size() == 0) {
      return null;
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
