package io.yibao.gateway.config;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The gateway's configuration: immutable, typed, validated once at start. Field names follow the keys in
 * {@code gateway-config/gateway.yaml}, where each key is documented with its default.
 */
public record GatewayConfig(Mode mode, Http http, Redis redis, RateLimits rateLimits, Map<String, CoreService> core,
                            Sandbox sandbox, Identity identity, InsuranceCode insuranceCode, Pharmacy pharmacy,
                            Idempotency idempotency, Contributions contributions, Security security,
                            PaymentChannel paymentChannel, Outbox outbox, Management management, Filing filing,
                            Family family) {

  /** The core systems the gateway has clients for; each has a section under {@code core}. */
  public static final List<String> CORE_SYSTEMS = List.of("registry", "accounts", "settlement", "collection",
      "identity", "sms", "payment", "filing");

  public enum Mode { PRODUCTION, DEMO }

  /** Secrets shipped in the repository for the demo; production refuses to start with any of them. */
  static final String DEMO_SECRET_MARK = "DEMO-ONLY";

  public record Http(String host, int port, int eventLoops, int instances, int idleTimeoutSeconds,
                     int requestTimeoutMillis, int bodyLimitBytes, int drainSeconds, List<String> trustedProxies,
                     List<String> corsAllowedOrigins) {
  }

  /** The operators' port: Prometheus metrics, never on the public API port. */
  public record Management(String host, int port) {
  }

  public record Redis(URI url, int poolSize, int maxWaiting, int connectTimeoutMillis, int commandTimeoutMillis) {

    /** The URL without credentials, safe to print and log. */
    public String safeUrl() {
      return url.getScheme() + "://" + url.getHost() + ":" + (url.getPort() < 0 ? 6379 : url.getPort());
    }
  }

  /** A budget of {@code limit} requests per {@code windowSeconds}. */
  public record Limit(int limit, int windowSeconds) {
    static Limit read(ConfigReader r, String key) {
      return new Limit(r.intIn(key + ".limit", 1, 1_000_000), r.intIn(key + ".windowSeconds", 1, 86_400));
    }
  }

  /**
   * Who is limited where (README "Rate limits"): signed-in residents per account and per session (in the session
   * check), terminals per terminal and per pharmacy (in the nonce step), payment channels per channel (after the
   * signature); client addresses only for anonymous operations and failed authentication; and an in-process
   * flood guard per address and gateway instance.
   */
  public record RateLimits(Limit perAccount, Limit perSession, Limit perTerminal, Limit perPharmacy,
                           Limit perPaymentChannel, Limit anonymousPerClientAddress,
                           Limit failedAuthenticationsPerClientAddress, Limit floodGuardPerClientAddress) {
    static RateLimits read(ConfigReader r) {
      return new RateLimits(Limit.read(r, "rateLimits.perAccount"), Limit.read(r, "rateLimits.perSession"),
          Limit.read(r, "rateLimits.perTerminal"), Limit.read(r, "rateLimits.perPharmacy"),
          Limit.read(r, "rateLimits.perPaymentChannel"), Limit.read(r, "rateLimits.anonymousPerClientAddress"),
          Limit.read(r, "rateLimits.failedAuthenticationsPerClientAddress"),
          Limit.read(r, "rateLimits.floodGuardPerClientAddress"));
    }
  }

  /** HS256 keys by key id ({@code kid}); tokens are signed with {@code currentKid}, verified with any listed key. */
  public record TokenKeys(String currentKid, Map<String, String> keys) {
  }

  public record Security(TokenKeys residentTokenKeys, String pepper, byte[] terminalSecretKey,
                         String faceTokenIssuer, java.security.PublicKey faceTokenPublicKey) {
  }

  /** The dynamic insurance code (医保码) and family proxies. */
  public record InsuranceCode(int ttlSeconds, int refreshAfterSeconds, int maxProxies, int proxyConsentAge) {
  }

  /** Pharmacy terminals and settlement. */
  public record Pharmacy(int signatureSkewSeconds, int visitTokenSeconds, long confirmationThresholdFen,
                         int confirmationSeconds, int recoveryFirstCheckMillis, int recoveryMaxBackoffMillis,
                         int recoveryGiveUpSeconds, int recordDays, Map<String, String> demoTerminals,
                         String demoTerminalSecret) {
  }

  /** Residents' contribution payment: the collection window (month-day of the year before) and order expiry. */
  public record Contributions(java.time.MonthDay windowOpens, java.time.MonthDay windowCloses, int orderExpiryMinutes) {

    /** Whether {@code day} falls in the collection window for {@code benefitYear}. */
    public boolean inWindow(int benefitYear, java.time.LocalDate day) {
      java.time.LocalDate opens = windowOpens.atYear(benefitYear - 1);
      java.time.LocalDate closes = windowCloses.atYear(benefitYear - 1);
      return !day.isBefore(opens) && !day.isAfter(closes);
    }
  }

  /** Cross-region care filing: the category rules' numbers, and the stale copy of a resident's filings. */
  public record Filing(int longTermLockMonths, int temporaryMinValidityMonths, int temporaryMaxValidityMonths,
                       int emergencyLateDays, int commitmentValidityMonths, int maxAdvanceDays, int staleCopyHours) {

    static Filing read(ConfigReader r) {
      Filing f = new Filing(r.intIn("filing.longTermLockMonths", 0, 120),
          r.intIn("filing.temporaryMinValidityMonths", 1, 120),
          r.intIn("filing.temporaryMaxValidityMonths", 1, 120),
          r.intIn("filing.emergencyLateDays", 0, 365),
          r.intIn("filing.commitmentValidityMonths", 1, 120),
          r.intIn("filing.maxAdvanceDays", 0, 3650),
          r.intIn("filing.staleCopyHours", 0, 24 * 30));
      if (f.temporaryMaxValidityMonths() < f.temporaryMinValidityMonths()) {
        throw new ConfigException("filing.temporaryMaxValidityMonths", "must not be less than temporaryMinValidityMonths");
      }
      return f;
    }
  }

  /** Family sharing and wallet transfers: consent, how many relatives, the transfer limits and quiet hours. */
  public record Family(int invitationDays, int consentAge, int maxMembers, int transfersPerDay, long maxTransferFen,
                       java.time.LocalTime quietHoursFrom, java.time.LocalTime quietHoursTo) {

    static Family read(ConfigReader r) {
      return new Family(r.intIn("family.invitationDays", 1, 90), r.intIn("family.consentAge", 1, 30),
          r.intIn("family.maxMembers", 1, 100), r.intIn("family.transfersPerDay", 0, 1000),
          r.longIn("family.maxTransferFen", 1, 100_000_000), time(r, "family.quietHoursFrom"),
          time(r, "family.quietHoursTo"));
    }

    private static java.time.LocalTime time(ConfigReader r, String key) {
      try {
        return java.time.LocalTime.parse(r.nonBlank(key));
      } catch (java.time.format.DateTimeParseException e) {
        throw new ConfigException(key, "must be HH:mm");
      }
    }

    /** Whether {@code t} falls in the quiet hours [from, to), which may wrap midnight; from == to: none. */
    public boolean quiet(java.time.LocalTime t) {
      if (quietHoursFrom.equals(quietHoursTo)) {
        return false;
      }
      return quietHoursFrom.isBefore(quietHoursTo)
          ? !t.isBefore(quietHoursFrom) && t.isBefore(quietHoursTo)
          : !t.isBefore(quietHoursFrom) || t.isBefore(quietHoursTo);
    }
  }

  /** The durable outbox: when its backlog is alerted, and how many dead letters are kept. */
  public record Outbox(long backlogWarnEntries, long deadLetterMaxEntries) {
  }

  /** The shared Idempotency-Key mechanism. */
  public record Idempotency(int retentionHours, int inFlightSeconds) {
  }

  /** Resident sign-in, sessions and step-up. */
  public record Identity(int otpTtlSeconds, int otpMaxTries, Limit otpPerPhone, Limit otpPerPhoneDaily,
                         Limit otpPerClientAddress, Limit failedLoginsPerPhone, int accessTokenSeconds,
                         int sessionIdleMinutes, int sessionAbsoluteDays, int maxDevices, int stepUpSeconds,
                         int staleCopyHours, int profileCopySeconds, Limit realNamePerAccount,
                         Limit realNamePerClientAddress) {
  }

  /** Circuit breaker settings of one core system's client. */
  public record Breaker(int failureRatePercent, int slowCallRatePercent, int slowCallMillis, int slidingWindowSize,
                        int minimumCalls, int openSeconds, int halfOpenCalls, int maxHalfOpenSeconds) {
  }

  /** One core system's client: where it is and how patient to be with it. */
  public record CoreService(String name, URI baseUrl, int timeoutMillis, int connectTimeoutMillis, int maxConnections,
                            int bulkheadMaxConcurrent, int readRetries, int retryBackoffMillis, Breaker breaker) {
  }

  /**
   * The payment channel (WeChat Pay APIv3, JSAPI): who we are to it, where it sends payment notifies, and the keys
   * that verify them (the platform's public key, named by its serial) and open their resource (the APIv3 key).
   */
  public record PaymentChannel(String appId, String mchId, URI notifyUrl, String platformSerial,
                               java.security.PublicKey platformPublicKey, byte[] apiV3Key, int notifyMaxSkewSeconds) {

    static PaymentChannel read(ConfigReader r, Mode mode) {
      String k = "paymentChannel.";
      URI notifyUrl = r.uri(k + "notifyUrl", "http", "https");
      if (mode == Mode.PRODUCTION && !"https".equals(notifyUrl.getScheme())) {
        throw new ConfigException(k + "notifyUrl", "must be an https URL in production (the channel refuses others)");
      }
      byte[] apiV3Key = secret(r, k + "apiV3Key", mode, 32).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (apiV3Key.length != 32) {
        throw new ConfigException(k + "apiV3Key", "must be exactly 32 bytes (AES-256), got " + apiV3Key.length);
      }
      return new PaymentChannel(r.nonBlank(k + "appId"), r.nonBlank(k + "mchId"), notifyUrl,
          r.nonBlank(k + "platformSerial"),
          Pem.rsaPublicKey(k + "platformPublicKeyPem", secret(r, k + "platformPublicKeyPem", mode, 1)),
          apiV3Key, r.intIn(k + "notifyMaxSkewSeconds", 10, 3600));
    }
  }

  /** The in-process sandbox of the demo. */
  public record Sandbox(int port, long seed, int population) {
  }

  private static Management management(ConfigReader r, Http http) {
    Management management = new Management(r.nonBlank("management.host"), r.intIn("management.port", 0, 65535));
    if (management.port() != 0 && management.port() == http.port()) {
      throw new ConfigException("management.port", "must differ from http.port, got " + management.port());
    }
    return management;
  }

  public boolean production() {
    return mode == Mode.PRODUCTION;
  }

  static GatewayConfig from(ConfigReader r) {
    Mode mode = r.oneOf("mode", Mode.class);
    Http http = new Http(
        r.nonBlank("http.host"),
        r.intIn("http.port", 0, 65535),
        r.intIn("http.eventLoops", 0, 1024),
        r.intIn("http.instances", 0, 1024),
        r.intIn("http.idleTimeoutSeconds", 1, 3600),
        r.intIn("http.requestTimeoutMillis", 100, 600_000),
        r.intIn("http.bodyLimitBytes", 1024, 64 * 1024 * 1024),
        r.intIn("http.drainSeconds", 0, 600),
        r.strings("http.trustedProxies"),
        origins(r));
    Redis redis = new Redis(
        r.uri("redis.url", "redis", "rediss"),
        r.intIn("redis.poolSize", 1, 1024),
        r.intIn("redis.maxWaiting", 1, 100_000),
        r.intIn("redis.connectTimeoutMillis", 50, 60_000),
        r.intIn("redis.commandTimeoutMillis", 10, 60_000));
    RateLimits rateLimits = RateLimits.read(r);
    Security security = new Security(tokenKeys(r, "security.residentTokenKeys", mode),
        secret(r, "security.pepper", mode, 32),
        aesKey(r, "security.terminalSecretKey", mode),
        r.nonBlank("security.faceTokenIssuer"),
        Pem.rsaPublicKey("security.faceTokenPublicKeyPem", secret(r, "security.faceTokenPublicKeyPem", mode, 1)));
    Identity identity = new Identity(
        r.intIn("identity.otp.ttlSeconds", 30, 3600),
        r.intIn("identity.otp.maxTries", 1, 100),
        Limit.read(r, "identity.otp.perPhone"),
        Limit.read(r, "identity.otp.perPhoneDaily"),
        Limit.read(r, "identity.otp.perClientAddress"),
        Limit.read(r, "identity.failedLoginsPerPhone"),
        r.intIn("identity.accessTokenSeconds", 60, 86_400),
        r.intIn("identity.sessions.idleMinutes", 1, 7 * 24 * 60),
        r.intIn("identity.sessions.absoluteDays", 1, 365),
        r.intIn("identity.sessions.maxDevices", 1, 100),
        r.intIn("identity.stepUpSeconds", 30, 3600),
        r.intIn("identity.staleCopyHours", 0, 24 * 30),
        r.intIn("identity.profileCopySeconds", 0, 3600),
        Limit.read(r, "identity.realName.perAccount"),
        Limit.read(r, "identity.realName.perClientAddress"));
    Map<String, CoreService> core = new java.util.LinkedHashMap<>();
    for (String system : CORE_SYSTEMS) {
      core.put(system, coreService(r, system));
    }
    Sandbox sandbox = new Sandbox(r.intIn("sandbox.port", 0, 65535), r.longIn("sandbox.seed", 0, Long.MAX_VALUE),
        r.intIn("sandbox.population", 0, 5_000_000));
    InsuranceCode insuranceCode = new InsuranceCode(
        r.intIn("insuranceCode.ttlSeconds", 10, 3600),
        r.intIn("insuranceCode.refreshAfterSeconds", 5, 3600),
        r.intIn("insuranceCode.maxProxies", 0, 50),
        r.intIn("insuranceCode.proxyConsentAge", 1, 30));
    if (insuranceCode.refreshAfterSeconds() >= insuranceCode.ttlSeconds()) {
      throw new ConfigException("insuranceCode.refreshAfterSeconds", "must be less than insuranceCode.ttlSeconds");
    }
    Pharmacy pharmacy = new Pharmacy(
        r.intIn("pharmacy.signatureSkewSeconds", 10, 3600),
        r.intIn("pharmacy.visitTokenSeconds", 30, 86_400),
        r.longIn("pharmacy.confirmationThresholdFen", 1, Long.MAX_VALUE),
        r.intIn("pharmacy.confirmationSeconds", 10, 3600),
        r.intIn("pharmacy.recoveryFirstCheckMillis", 10, 600_000),
        r.intIn("pharmacy.recoveryMaxBackoffMillis", 10, 600_000),
        r.intIn("pharmacy.recoveryGiveUpSeconds", 1, 86_400),
        r.intIn("pharmacy.recordDays", 1, 3650),
        r.stringMap("pharmacy.demoTerminals"),
        r.nonBlank("pharmacy.demoTerminalSecret"));
    Idempotency idempotency = new Idempotency(r.intIn("idempotency.retentionHours", 1, 24 * 30),
        r.intIn("idempotency.inFlightSeconds", 1, 3600));
    Contributions contributions = new Contributions(monthDay(r, "contributions.windowOpens"),
        monthDay(r, "contributions.windowCloses"), r.intIn("contributions.orderExpiryMinutes", 1, 24 * 60));
    return new GatewayConfig(mode, http, redis, rateLimits, java.util.Collections.unmodifiableMap(core), sandbox,
        identity, insuranceCode, pharmacy, idempotency, contributions, security, PaymentChannel.read(r, mode),
        new Outbox(r.longIn("outbox.backlogWarnEntries", 1, Long.MAX_VALUE),
            r.longIn("outbox.deadLetterMaxEntries", 1, 100_000_000)),
        management(r, http), Filing.read(r), Family.read(r));
  }

  private static CoreService coreService(ConfigReader r, String system) {
    String k = "core." + system + ".";
    Breaker breaker = new Breaker(
        r.intIn(k + "breaker.failureRatePercent", 1, 100),
        r.intIn(k + "breaker.slowCallRatePercent", 1, 100),
        r.intIn(k + "breaker.slowCallMillis", 1, 600_000),
        r.intIn(k + "breaker.slidingWindowSize", 1, 10_000),
        r.intIn(k + "breaker.minimumCalls", 1, 10_000),
        r.intIn(k + "breaker.openSeconds", 1, 3600),
        r.intIn(k + "breaker.halfOpenCalls", 1, 1000),
        r.intIn(k + "breaker.maxHalfOpenSeconds", 1, 3600));
    return new CoreService(system, r.uri(k + "baseUrl", "http", "https"),
        r.intIn(k + "timeoutMillis", 10, 600_000),
        r.intIn(k + "connectTimeoutMillis", 10, 600_000),
        r.intIn(k + "maxConnections", 1, 10_000),
        r.intIn(k + "bulkheadMaxConcurrent", 1, 100_000),
        r.intIn(k + "readRetries", 0, 10),
        r.intIn(k + "retryBackoffMillis", 1, 60_000),
        breaker);
  }

  private static List<String> origins(ConfigReader r) {
    List<String> origins = r.strings("http.cors.allowedOrigins");
    for (String origin : origins) {
      if ("*".equals(origin) || !origin.matches("https?://[A-Za-z0-9.-]+(:\\d+)?")) {
        throw new ConfigException("http.cors.allowedOrigins",
            "each entry must be an exact origin like https://app.example.cn, got \"" + origin + "\"");
      }
    }
    return origins;
  }

  private static java.time.MonthDay monthDay(ConfigReader r, String key) {
    String v = r.nonBlank(key);
    try {
      return java.time.MonthDay.parse("--" + v);
    } catch (java.time.format.DateTimeParseException e) {
      throw new ConfigException(key, "must be a month and day like 09-01, got \"" + v + "\"");
    }
  }

  /** A 32-byte AES key in base64 (a demo key carries a "DEMO-ONLY:" label before the base64). */
  private static byte[] aesKey(ConfigReader r, String key, Mode mode) {
    String value = secret(r, key, mode, 1);
    String base64 = value.startsWith(DEMO_SECRET_MARK + ":") ? value.substring(DEMO_SECRET_MARK.length() + 1) : value;
    byte[] bytes;
    try {
      bytes = java.util.Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "must be base64");
    }
    if (bytes.length != 32) {
      throw new ConfigException(key, "must be 32 bytes (base64 of a 256-bit key), got " + bytes.length);
    }
    return bytes;
  }

  /** A secret value: long enough, and never a DEMO-ONLY one in production. */
  private static String secret(ConfigReader r, String key, Mode mode, int minBytes) {
    String value = r.nonBlank(key);
    if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < minBytes) {
      throw new ConfigException(key, "must be at least " + minBytes + " bytes");
    }
    if (mode == Mode.PRODUCTION && value.contains(DEMO_SECRET_MARK)) {
      throw new ConfigException(key, "is a demo value; production refuses to start with it (set "
          + ConfigLoader.envName(key) + ")");
    }
    return value;
  }

  private static TokenKeys tokenKeys(ConfigReader r, String key, Mode mode) {
    Map<String, String> keys = r.stringMap(key + ".keys");
    String current = r.nonBlank(key + ".currentKid");
    if (keys.isEmpty()) {
      throw new ConfigException(key + ".keys", "at least one key is needed");
    }
    if (!keys.containsKey(current)) {
      throw new ConfigException(key + ".currentKid", "names key \"" + current + "\", which is not in " + key + ".keys");
    }
    keys.forEach((kid, secret) -> {
      if (secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
        throw new ConfigException(key + ".keys." + kid, "must be at least 32 bytes (HS256)");
      }
      if (mode == Mode.PRODUCTION && secret.contains(DEMO_SECRET_MARK)) {
        throw new ConfigException(key + ".keys." + kid,
            "is a demo secret; production refuses to start with it (set your own, e.g. through "
                + ConfigLoader.envName(key + ".keys") + ")");
      }
    });
    return new TokenKeys(current, keys);
  }
}
