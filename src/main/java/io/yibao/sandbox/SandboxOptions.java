package io.yibao.sandbox;

/**
 * How a sandbox starts.
 *
 * @param port        HTTP port (0 = any free port)
 * @param seed        population seed: the same seed gives the same people, households and balances
 * @param population  number of generated persons besides the demo personas
 * @param printSms    announce each SMS on the console, without its text (demo mode)
 * @param callbackUrl where the payment channel sends its notifies (the gateway's {@code /callbacks/payments/wechat})
 */
public record SandboxOptions(int port, long seed, int population, boolean printSms, String callbackUrl) {

  public static SandboxOptions forTests() {
    return new SandboxOptions(0, 20261122L, 2_000, false, null);
  }

  public SandboxOptions withCallbackUrl(String url) {
    return new SandboxOptions(port, seed, population, printSms, url);
  }

  public SandboxOptions withPopulation(int size) {
    return new SandboxOptions(port, seed, size, printSms, callbackUrl);
  }
}
