package io.yibao.gateway.identity;

import io.yibao.gateway.core.AccountsClient;
import io.yibao.gateway.core.RegistryClient;

import io.vertx.ext.web.handler.AuthenticationHandler;
import io.yibao.gateway.auth.ResidentAuthHandler;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.StaleCopies;
import io.yibao.gateway.feature.Feature;
import io.yibao.gateway.feature.Infrastructure;
import io.yibao.gateway.http.Operations;

import java.util.List;
import java.util.Map;

/**
 * Who the resident is: sign-in by SMS code, real name and binding to an insured person, step-up, sessions, and the
 * {@code residentBearer} scheme every resident operation is checked with.
 */
public final class IdentityFeature implements Feature {

  private final IdentityEndpoints endpoints;
  private final ResidentAuthHandler residentBearer;

  /** @param bindingDependents what ends with a resident's binding (their codes, their pending confirmations) */
  public IdentityFeature(Infrastructure infra, List<BindingDependents> bindingDependents) {
    GatewayConfig config = infra.config();
    ResidentAccounts accounts = new ResidentAccounts(infra.redis(), infra.pseudonyms(), infra.sessions(),
        bindingDependents);
    RegistryClient registry = new RegistryClient(infra.core());
    OneTimeCodes oneTimeCodes = new OneTimeCodes(infra.redis(), infra.limiter(), new SmsClient(infra.core()),
        infra.pseudonyms(), config.identity());
    endpoints = new IdentityEndpoints(config.identity(),
        new ResidentSignIn(config.identity(), oneTimeCodes, accounts, infra.sessions(), infra.residentTokens(),
            infra.limiter(), infra.pseudonyms()),
        infra.sessions(),
        new ResidentView(infra.meCopies(), new StaleCopies(infra.redis(), config.identity().staleCopyHours()),
            registry, new AccountsClient(infra.core()), infra.pseudonyms()),
        new RealNameBinding(config.identity(), accounts, infra.faceTokens(), new IdentityClient(infra.core()),
            infra.limiter()),
        new StepUp(oneTimeCodes, infra.faceTokens(), infra.sessions(), registry), infra.clientAddress(),
        infra.addressLimit());
    residentBearer = new ResidentAuthHandler(infra.residentTokens(), infra.sessions(), infra.addressLimit());
  }

  @Override
  public void register(Operations operations) {
    endpoints.register(operations);
  }

  @Override
  public Map<String, AuthenticationHandler> securityHandlers() {
    return Map.of("residentBearer", residentBearer);
  }
}
