package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.yibao.sandbox.SandboxHttp;

import java.time.Clock;
import java.time.ZonedDateTime;

/** The family-sharing binding routes of the accounts service ({@code /accounts/sharing/...}); see there. */
final class SharingRoutes {

  private final SharingBindings sharing;
  private final Clock clock;

  SharingRoutes(SharingBindings sharing, Clock clock) {
    this.sharing = sharing;
    this.clock = clock;
  }

  void mount(Router router) {
    router.post("/accounts/sharing/bindings").handler(this::bind);
    router.get("/accounts/sharing/bindings").handler(this::list);
    router.get("/accounts/sharing/bindings/:id").handler(rc -> {
      SharingBinding b = sharing.binding(rc.pathParam("id"));
      if (b == null) {
        SandboxHttp.error(rc, 404, "NOT_FOUND", "no such binding");
      } else {
        SandboxHttp.ok(rc, b.toJson());
      }
    });
    router.put("/accounts/sharing/bindings/:id/uses").handler(rc -> {
      JsonObject body = SandboxHttp.body(rc);
      if (body == null) {
        return;
      }
      SharingUses uses;
      try {
        uses = SharingUses.parse(body);
      } catch (IllegalArgumentException e) {
        SandboxHttp.error(rc, 400, "BAD_REQUEST", e.getMessage());
        return;
      }
      answer(rc, sharing.changeUses(rc.pathParam("id"), uses));
    });
    router.delete("/accounts/sharing/bindings/:id").handler(rc -> answer(rc, sharing.end(rc.pathParam("id"), now())));
  }

  private void bind(RoutingContext rc) {
    JsonObject body = SandboxHttp.body(rc);
    if (body == null) {
      return;
    }
    BindingRequest request;
    try {
      request = BindingRequest.parse(body);
    } catch (IllegalArgumentException e) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", e.getMessage());
      return;
    }
    answer(rc, sharing.bind(request, now()));
  }

  private void list(RoutingContext rc) {
    String sharer = rc.queryParams().get("sharer");
    String member = rc.queryParams().get("member");
    if (sharer == null && member == null) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", "sharer or member is required");
      return;
    }
    JsonArray out = new JsonArray();
    sharing.active(sharer, member).forEach(b -> out.add(b.toJson()));
    SandboxHttp.ok(rc, new JsonObject().put("bindings", out));
  }

  private ZonedDateTime now() {
    return ZonedDateTime.now(clock).withZoneSameInstant(BusinessTime.ZONE);
  }

  static void answer(RoutingContext rc, Answer answer) {
    SandboxHttp.json(rc, answer.status(), answer.body());
  }
}
