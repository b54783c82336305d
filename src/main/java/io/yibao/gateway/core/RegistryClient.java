package io.yibao.gateway.core;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The person registry (人员信息), read only, over the {@code registry} core client: reads are retried there with
 * back-off while its breaker allows.
 *
 * <p>Outcomes of every call: the person (or household) as the registry has it; null when the registry answers that
 * it does not know the person (a 4xx); {@link CoreCallException} when no usable answer came.
 */
public final class RegistryClient {

  /** The core system ({@code core.registry} in the configuration). */
  public static final String SYSTEM = "registry";

  /**
   * An insured person; {@code insuType} null when the registry names a type this gateway does not know;
   * {@code retired} as the registry records it (what a retiree's resettlement filing needs).
   */
  public record Person(String psnNo, String name, String idNumber, LocalDate birthDate, String mobile,
                       InsuranceType insuType, String insuredRegion, String status, int gender, boolean retired) {

    static Person from(JsonObject p) {
      String birth = p.getString("birthDate");
      return new Person(p.getString("psnNo"), p.getString("name"), p.getString("idNumber"),
          birth == null ? null : LocalDate.parse(birth), p.getString("mobile"), InsuranceType.of(p.getString("insuType")),
          p.getString("insuAdmdvs"), p.getString("status"), p.getInteger("gender", 0),
          p.getBoolean("retired", false));
    }
  }

  /** A close relative (近亲属) in the person's household, with the relation the registry records (SPOUSE, ...). */
  public record Relative(Person person, String relation) {
  }

  private final CoreClient registry;

  public RegistryClient(CoreClients clients) {
    this(clients.client(SYSTEM));
  }

  public RegistryClient(CoreClient registry) {
    this.registry = registry;
  }

  /** The person, or null when the registry does not know them. */
  public Future<Person> person(String psnNo) {
    return registry.get("/persons/" + psnNo).map(found -> found.ok() ? Person.from(found.json()) : null);
  }

  /** The person; 404 NOT_FOUND when the registry does not know them. */
  public Future<Person> known(String psnNo) {
    return person(psnNo).compose(p -> p != null ? Future.succeededFuture(p)
        : Future.failedFuture(new ProblemException(ProblemCode.NOT_FOUND, "The registry does not know this person")));
  }

  /** The person with this ID number, or null when the registry knows nobody by it. */
  public Future<Person> byIdNumber(String idNumber) {
    return registry.get("/persons?idNumber=" + idNumber).map(found -> found.ok() ? Person.from(found.json()) : null);
  }

  /**
   * The person's close relatives (近亲属) by the registry's household and kinship records — also those living in
   * another household — with what each is to the person; null when the registry does not know the person.
   */
  public Future<List<Relative>> kin(String psnNo) {
    return registry.get("/persons/" + psnNo + "/kin").map(answer -> answer.ok() ? relatives(answer.json()) : null);
  }

  private static List<Relative> relatives(JsonObject answer) {
    List<Relative> out = new ArrayList<>();
    for (Object o : answer.getJsonArray("members", new JsonArray())) {
      JsonObject m = (JsonObject) o;
      if (m.getString("relation") != null) {
        out.add(new Relative(Person.from(m), m.getString("relation")));
      }
    }
    return out;
  }

  /**
   * The close relatives in the person's household (household members without a recorded relation are left out),
   * or null when the registry does not know the person.
   */
  public Future<List<Relative>> closeRelatives(String psnNo) {
    return registry.get("/persons/" + psnNo + "/household").map(answer -> answer.ok() ? relatives(answer.json()) : null);
  }
}
