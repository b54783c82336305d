package io.yibao.gateway.filing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The national administrative division list (GB/T 2260, province, prefecture and county level, mainland only), which
 * residents filing cross-region care (异地就医备案) pick their destination from. It is a few thousand lines that change
 * once a year at most, so it ships as a classpath resource ({@value #RESOURCE}), is read once and searched in memory:
 * no core system call and no Redis on the way. Immutable and thread-safe once built.
 *
 * <p>It also holds the filing rules that are arithmetic on division codes: which pooling area (统筹区) a code belongs
 * to and what a filing destination covers.
 */
public final class Regions {

  /** The resource the national list is read from; see load-tests/data/gbt2260.py for how it was produced. */
  public static final String RESOURCE = "regions/gbt2260.tsv";

  /** The three levels of the list. */
  public enum Level { PROVINCE, CITY, COUNTY }

  /**
   * One division. {@code parentCode} is null for a province; a municipality's districts and a province-administered
   * county-level city (省直辖县级市, xx90xx) hang directly under the province. {@code fullName} joins the names from the
   * province down with a space: "广东省 广州市 天河区", "上海市 徐汇区".
   */
  public record Division(String code, String name, Level level, String parentCode, String fullName) {
  }

  private static final Pattern CODE = Pattern.compile("[0-9]{6}");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern SPACES = Pattern.compile("[\\s\\u3000]+");
  private static final List<String> MUNICIPALITIES = List.of("11", "12", "31", "50");

  private static volatile Regions national;

  private final Map<String, Division> byCode;
  private final Map<String, List<Division>> children;
  private final List<Division> all;
  private final List<Division> provinces;
  /** Every division, provinces first, then cities, then counties, each in code order: the order search ranks by. */
  private final Division[] ranked;
  /** For each of {@link #ranked}, which characters its full name holds (see {@link #charMask}): most divisions fail a query on it. */
  private final long[] rankedChars;

  private Regions(List<Division> all) {
    this.all = List.copyOf(all);
    Map<String, Division> codes = new HashMap<>();
    Map<String, List<Division>> kids = new HashMap<>();
    for (Division d : all) {
      codes.put(d.code(), d);
      if (d.parentCode() != null) {
        kids.computeIfAbsent(d.parentCode(), k -> new ArrayList<>()).add(d);
      }
    }
    this.byCode = Map.copyOf(codes);
    Map<String, List<Division>> frozen = new HashMap<>();
    kids.forEach((parent, list) -> frozen.put(parent, List.copyOf(list)));
    this.children = Map.copyOf(frozen);
    this.provinces = all.stream().filter(d -> d.level() == Level.PROVINCE).toList();
    this.ranked = all.stream()
        .sorted(Comparator.comparing(Division::level).thenComparing(Division::code))
        .toArray(Division[]::new);
    this.rankedChars = new long[ranked.length];
    for (int i = 0; i < ranked.length; i++) {
      rankedChars[i] = charMask(ranked[i].fullName());
    }
  }

  /** The national list from the classpath, read on the first call; throws {@link IllegalStateException} if absent or malformed. */
  public static Regions national() {
    Regions loaded = national;
    if (loaded == null) {
      synchronized (Regions.class) {
        loaded = national;
        if (loaded == null) {
          loaded = national = fromResource(RESOURCE);
        }
      }
    }
    return loaded;
  }

  static Regions fromResource(String resource) {
    InputStream in = Regions.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("division list " + resource + " is not on the classpath");
    }
    try (in) {
      return from(in, resource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read division list " + resource, e);
    }
  }

  /**
   * Reads a list in the resource's format: UTF-8, {@code #} comment lines, then one division a line
   * {@code code<TAB>name<TAB>parentCode} sorted by code, parentCode empty for provinces. Every malformed line (bad
   * code, unsorted or repeated, unknown parent, a parent that cannot hold it) throws {@link IllegalStateException}
   * naming the line: a wrong list must stop the gateway at start, not mislead a resident later.
   */
  public static Regions from(InputStream in, String source) {
    List<Division> all = new ArrayList<>();
    Map<String, Division> seen = new HashMap<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int number = 0;
      String previous = "";
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String where = source + ":" + number;
        String[] fields = line.split("\t", -1);
        if (fields.length != 3) {
          throw malformed(where, "expected code, name and parent code separated by tabs");
        }
        String code = fields[0];
        String name = fields[1].strip();
        String parentCode = fields[2].isEmpty() ? null : fields[2];
        if (!CODE.matcher(code).matches()) {
          throw malformed(where, "code is not 6 digits");
        }
        if (code.compareTo(previous) <= 0) {
          throw malformed(where, "codes are not sorted or repeat");
        }
        if (name.isEmpty()) {
          throw malformed(where, "name is empty");
        }
        Level level = levelOf(code);
        Division parent = parentCode == null ? null : seen.get(parentCode);
        if ((level == Level.PROVINCE) != (parentCode == null)) {
          throw malformed(where, "only provinces (xx0000) have no parent");
        }
        if (parentCode != null && (parent == null || !holds(parent, code))) {
          throw malformed(where, "parent " + parentCode + " is not a division above it");
        }
        if (level == Level.COUNTY && parent.level() == Level.PROVINCE && seen.containsKey(code.substring(0, 4) + "00")) {
          throw malformed(where, "a county of city " + code.substring(0, 4) + "00 hangs under the province");
        }
        String fullName = parent == null ? name : parent.fullName() + " " + name;
        Division division = new Division(code, name, level, parentCode, fullName);
        all.add(division);
        seen.put(code, division);
        previous = code;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read division list " + source, e);
    }
    if (all.isEmpty()) {
      throw new IllegalStateException("division list " + source + " holds no divisions");
    }
    return new Regions(all);
  }

  private static IllegalStateException malformed(String where, String why) {
    return new IllegalStateException("malformed division list at " + where + ": " + why);
  }

  /** xx0000 a province, xxxx00 a prefecture-level city, anything else county level. */
  private static Level levelOf(String code) {
    if (code.endsWith("0000")) {
      return Level.PROVINCE;
    }
    return code.endsWith("00") ? Level.CITY : Level.COUNTY;
  }

  /** A province holds the cities and counties of its 2 digits; a city the counties of its 4. */
  private static boolean holds(Division parent, String code) {
    return switch (parent.level()) {
      case PROVINCE -> code.startsWith(parent.code().substring(0, 2));
      case CITY -> levelOf(code) == Level.COUNTY && code.startsWith(parent.code().substring(0, 4));
      case COUNTY -> false;
    };
  }

  /** The division with this code, if it is on the list. */
  public Optional<Division> find(String code) {
    return code == null ? Optional.empty() : Optional.ofNullable(byCode.get(code));
  }

  /** The divisions directly under {@code parentCode}, in code order; empty for a leaf or an unknown code. */
  public List<Division> children(String parentCode) {
    return parentCode == null ? List.of() : children.getOrDefault(parentCode, List.of());
  }

  /** The 31 provinces, in code order. */
  public List<Division> provinces() {
    return provinces;
  }

  /** Every division, in code order. */
  public List<Division> divisions() {
    return all;
  }

  /**
   * Divisions matching {@code query}, best first, without repeats, at most {@code limit}. A query of digits matches by
   * code prefix, the broadest division first ("4401": 广州市, then its districts). Any other query matches by name:
   * exact name, then names starting with it, then names containing it, then full names containing every
   * space-separated part of it ("广州" finds 广州市, then its districts; "广东 天河" finds 天河区). Within each rank
   * provinces come before cities before counties, each in code order. A null or blank query matches nothing: the
   * way to browse is {@link #provinces()} and {@link #children(String)}.
   */
  public List<Division> search(String query, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    String q = query == null ? "" : SPACES.matcher(query).replaceAll(" ").strip();
    if (q.isEmpty() || limit == 0) {
      return List.of();
    }
    return DIGITS.matcher(q).matches() ? byCode(q, limit) : byName(q, limit);
  }

  /** The codes starting with {@code prefix} are one run of the code-sorted list: find it, then rank it by level. */
  private List<Division> byCode(String prefix, int limit) {
    int from = firstAtOrAfter(prefix);
    int to = from;
    while (to < all.size() && all.get(to).code().startsWith(prefix)) {
      to++;
    }
    return all.subList(from, to).stream()
        .sorted(Comparator.comparing(Division::level).thenComparing(Division::code))
        .limit(limit)
        .toList();
  }

  private int firstAtOrAfter(String prefix) {
    int low = 0;
    int high = all.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (all.get(mid).code().compareTo(prefix) < 0) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /** The four name ranks, filled in one pass over {@link #ranked}; each division lands in its best rank only. */
  private List<Division> byName(String q, int limit) {
    String[] parts = q.split(" ");
    // Every rank needs each character of the query (but the spaces) somewhere in the full name.
    long wanted = charMask(q.replace(" ", ""));
    List<List<Division>> ranks = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < ranked.length; i++) {
      if ((wanted & ~rankedChars[i]) != 0) {
        continue;
      }
      Division d = ranked[i];
      String name = d.name();
      int rank;
      if (name.equals(q)) {
        rank = 0;
      } else if (name.startsWith(q)) {
        rank = 1;
      } else if (name.contains(q)) {
        rank = 2;
      } else if (containsAll(d.fullName(), parts)) {
        rank = 3;
      } else {
        continue;
      }
      List<Division> bucket = ranks.get(rank);
      // An answer holds at most limit divisions, so no rank needs to keep more.
      if (bucket.size() < limit) {
        bucket.add(d);
      }
      if (rank == 0 && bucket.size() == limit) {
        break;
      }
    }
    List<Division> found = new ArrayList<>(limit);
    for (List<Division> bucket : ranks) {
      for (Division d : bucket) {
        if (found.size() == limit) {
          return List.copyOf(found);
        }
        found.add(d);
      }
    }
    return List.copyOf(found);
  }

  /** One bit of 64 per character, spread by a multiplicative hash: a text lacking a bit lacks that character. */
  private static long charMask(String text) {
    long mask = 0;
    for (int i = 0; i < text.length(); i++) {
      mask |= 1L << ((text.charAt(i) * 0x9E3779B1) >>> 26);
    }
    return mask;
  }

  private static boolean containsAll(String text, String[] parts) {
    for (String part : parts) {
      if (!text.contains(part)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The pooling area (统筹区) a division belongs to, as a code prefix: the first 2 digits for a municipality (11, 12,
   * 31, 50: one pooling area each), all 6 for a county-level city administered by its province (digits 3-4 "90",
   * e.g. 429004 仙桃), the first 4 (the prefecture-level city) otherwise. Arithmetic on the code: it does not check
   * the code is on the list.
   */
  public static String poolingArea(String code) {
    requireCode(code);
    if (MUNICIPALITIES.contains(code.substring(0, 2))) {
      return code.substring(0, 2);
    }
    return code.startsWith("90", 2) ? code : code.substring(0, 4);
  }

  /** What a filing to this destination covers, as a code prefix: a whole province (xx0000) its 2 digits, otherwise its pooling area. */
  public static String coverPrefix(String destinationCode) {
    requireCode(destinationCode);
    return destinationCode.endsWith("0000") ? destinationCode.substring(0, 2) : poolingArea(destinationCode);
  }

  /** Whether care in {@code regionCode} falls under a filing to {@code destinationCode}. */
  public static boolean covers(String destinationCode, String regionCode) {
    requireCode(regionCode);
    return regionCode.startsWith(coverPrefix(destinationCode));
  }

  /**
   * Whether the destination lies inside the insured person's own pooling area, where a filing makes no sense: insured
   * in 110105, destination 110000 or 110108 is; insured in 440106, destination 440000 (all of Guangdong) is not,
   * 440105 is.
   */
  public static boolean withinInsuredArea(String destinationCode, String insuredRegionCode) {
    return coverPrefix(destinationCode).startsWith(poolingArea(insuredRegionCode));
  }

  private static void requireCode(String code) {
    if (code == null || !CODE.matcher(code).matches()) {
      throw new IllegalArgumentException("not a 6-digit division code: " + code);
    }
  }
}
