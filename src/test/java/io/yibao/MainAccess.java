package io.yibao;

/** Lets tests in other packages call {@code Main.run} without exiting the JVM. */
public final class MainAccess {

  private MainAccess() {
  }

  public static int run(String... args) {
    return Main.run(args);
  }
}
