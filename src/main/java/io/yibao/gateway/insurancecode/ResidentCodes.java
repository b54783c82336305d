package io.yibao.gateway.insurancecode;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.identity.FaceTokens;
import io.yibao.gateway.identity.StepUp;
import io.yibao.gateway.privacy.Masking;
import io.yibao.gateway.time.BusinessTime;

import java.time.Period;
import java.util.Map;

/**
 * The resident's insurance-code flows: activation by face, family proxies (亲情账户) from the registry's household,
 * and which person a fresh code may be issued for. The codes themselves are {@link InsuranceCodes}'.
 */
public final class ResidentCodes {

  private final GatewayConfig.InsuranceCode config;
  private final InsuranceCodes codes;
  private final FaceTokens faceTokens;
  private final RegistryClient registry;

  public ResidentCodes(GatewayConfig.InsuranceCode config, InsuranceCodes codes, FaceTokens faceTokens,
                       RegistryClient registry) {
    this.config = config;
    this.codes = codes;
    this.faceTokens = faceTokens;
    this.registry = registry;
  }

  /** The bound person, whose code this account activated; 403 otherwise. */
  private Future<String> activatedPerson(ResidentSession s) {
    return s.boundPerson().compose(psnNo -> codes.activatedPerson(s.accountId()).compose(active -> psnNo.equals(active)
        ? Future.succeededFuture(psnNo)
        : Future.failedFuture(new ProblemException(ProblemCode.CODE_NOT_ACTIVATED,
            "POST /api/v1/insurance-code/activation with a face token first"))));
  }

  /** Activation needs real name (bound) and real person (a fresh face verification of that person). */
  public Future<String> activate(ResidentSession s, String faceToken) {
    return s.boundPerson().compose(psnNo -> faceTokens.verify(faceToken, psnNo)
        .compose(x -> codes.activate(s.accountId(), psnNo)).map(psnNo));
  }

  /**
   * Adds a household member of the registry who is a close relative: under {@code proxyConsentAge} on the household
   * relation (with step-up), older only with their own face verification. Answers the proxy entry, with psnNo.
   */
  public Future<JsonObject> addProxy(ResidentSession s, String member, String faceToken) {
    return activatedPerson(s).compose(self -> codes.proxies(s.accountId()).compose(existing -> {
      if (existing.containsKey(member)) {
        return Future.succeededFuture(existing.get(member).copy().put("psnNo", member));
      }
      if (existing.size() >= config.maxProxies()) {
        return Future.failedFuture(new ProblemException(ProblemCode.PROXY_LIMIT_REACHED,
            "At most " + config.maxProxies() + " family members"));
      }
      return householdMember(self, member).compose(relative -> {
        int age = Period.between(relative.person().birthDate(), BusinessTime.today()).getYears();
        Future<Void> consent = age < config.proxyConsentAge() ? StepUp.require(s)
            : faceToken == null
                ? Future.failedFuture(new ProblemException(ProblemCode.FACE_VERIFICATION_REQUIRED,
                    "Members aged " + config.proxyConsentAge() + " or over consent with their own face verification",
                    "faceToken", Map.of()))
                : faceTokens.verify(faceToken, member);
        JsonObject entry = new JsonObject().put("relation", relative.relation())
            .put("name", Masking.name(relative.person().name()))
            .put("addedAt", BusinessTime.timestamp(System.currentTimeMillis()));
        return consent.compose(x -> codes.addProxy(s.accountId(), member, entry)).map(x -> entry.copy().put("psnNo", member));
      });
    }));
  }

  private Future<RegistryClient.Relative> householdMember(String self, String member) {
    return registry.closeRelatives(self).compose(relatives -> {
      if (relatives == null) {
        return Future.failedFuture(new ProblemException(ProblemCode.NOT_A_FAMILY_MEMBER, null));
      }
      for (RegistryClient.Relative r : relatives) {
        if (member.equals(r.person().psnNo())) {
          return Future.succeededFuture(r);
        }
      }
      return Future.failedFuture(new ProblemException(ProblemCode.NOT_A_FAMILY_MEMBER, null, "psnNo", Map.of()));
    });
  }

  /** A fresh code for the bound person ({@code requested} null) or a proxied member; the device's previous one dies. */
  public Future<InsuranceCodes.Live> issue(ResidentSession s, String requested) {
    // The bound person's own code needs no read first: recording it (code-current-swap.lua) refuses it in the same
    // step unless the account activated that person, and the answer is the same 403 CODE_NOT_ACTIVATED.
    boolean own = requested == null || requested.equals(s.boundPerson().result());
    Future<String> whose = own ? s.boundPerson() : activatedPerson(s);
    return whose.compose(self -> {
      if (requested == null || requested.equals(self)) {
        return Future.succeededFuture(self);
      }
      return codes.proxies(s.accountId()).compose(proxies -> proxies.containsKey(requested)
          ? Future.succeededFuture(requested)
          : Future.failedFuture(new ProblemException(ProblemCode.NOT_A_FAMILY_MEMBER,
              "Add them as a family member first", "psnNo", Map.of())));
    }).compose(psnNo -> codes.issue(s.accountId(), s.sessionId(), s.deviceId(), psnNo));
  }
}
