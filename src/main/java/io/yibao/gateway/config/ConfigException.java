package io.yibao.gateway.config;

/**
 * A configuration value that is missing or wrong. The message is one line that names the key and the problem;
 * {@code Main} prints it and exits with status 2, without a stack trace.
 */
public final class ConfigException extends RuntimeException {

  private final String key;

  public ConfigException(String key, String problem) {
    super(key + ": " + problem, null, false, false);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
