#!/usr/bin/env python3
"""Regenerates the committed seed corpora in corpus/<target>/ from ../testdata and the
jsonpath unit tests. Deterministic; run from anywhere: `python3 fuzz/seeds.py`.

Seeds are kept small: every list in a dump is cut to its first few elements, so each seed
keeps the dump's shape (configs, sections, listeners, chains) without its bulk."""

import hashlib
import json
import pathlib
import re
import shutil

import yaml

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
TESTDATA = ROOT / "testdata"
CORPUS = FUZZ / "corpus"
HEADER = 64  # CONN_HEADER in src/lib.rs


def trim(v, keep=3):
    if isinstance(v, list):
        return [trim(x, keep) for x in v[:keep]]
    if isinstance(v, dict):
        return {k: trim(x, keep) for k, x in v.items()}
    return v


def header(name):
    """64 bytes of connection header, different for each seed."""
    out = b""
    i = 0
    while len(out) < HEADER:
        out += hashlib.sha256(f"{name}/{i}".encode()).digest()
        i += 1
    return out[:HEADER]


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / name).write_bytes(data)


def listeners_of(doc):
    """Every listener object in a config dump or a bare listener array."""
    if isinstance(doc, list):
        return [l for l in doc if isinstance(l, dict)]
    out = []
    for section in doc.get("configs", []):
        for s in section.get("static_listeners", section.get("staticListeners", [])):
            out.append(s.get("listener"))
        for d in section.get("dynamic_listeners", section.get("dynamicListeners", [])):
            for state in ("active_state", "activeState", "warming_state", "warmingState",
                          "draining_state", "drainingState"):
                if state in d:
                    out.append(d[state].get("listener"))
    return [l for l in out if isinstance(l, dict)]


def strip_filters(listener):
    """A listener without its network filters (chain selection never reads them)."""
    l = dict(listener)
    for key in ("filter_chains", "filterChains"):
        if key in l:
            l[key] = [{k: v for k, v in c.items() if k != "filters"} for c in l[key]]
    for key in ("default_filter_chain", "defaultFilterChain"):
        if key in l:
            l[key] = {k: v for k, v in l[key].items() if k != "filters"}
    return l


def matchers(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k in ("filter_chain_matcher", "filterChainMatcher"):
                yield x
            yield from matchers(x)
    elif isinstance(v, list):
        for x in v:
            yield from matchers(x)


def main():
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    dumps = sorted(TESTDATA.glob("dumps/*.json"))
    parsed = {}
    for path in dumps:
        raw = path.read_bytes()
        try:
            doc = json.loads(raw)
        except ValueError:
            # Broken on purpose (truncated, wrong type...): a seed as it is.
            write("dump_json", path.name, raw)
            continue
        parsed[path.stem] = doc
        small = trim(doc)
        write("dump_json", path.name, json.dumps(small, indent=1))
        write("dump_yaml", path.stem + ".yaml", yaml.safe_dump(small, sort_keys=False))
    for path in sorted(TESTDATA.glob("dumps/*.yaml")):
        text = path.read_text()
        try:
            doc = yaml.safe_load(text)
            write("dump_yaml", path.name, yaml.safe_dump(trim(doc), sort_keys=False))
        except yaml.YAMLError:
            write("dump_yaml", path.name, text)
    write("dump_yaml", "garbage.bin", (TESTDATA / "dumps/garbage.bin").read_bytes()[:512])

    for path in sorted(TESTDATA.glob("manifests/**/*.yaml")) + sorted(TESTDATA.glob("crds/*.yaml")):
        rel = path.relative_to(TESTDATA).with_suffix("")
        write("lint", "-".join(rel.parts) + ".yaml", path.read_bytes())

    n = 0
    for stem, doc in parsed.items():
        for i, l in enumerate(listeners_of(doc)[:6]):
            name = f"{stem}-{i}"
            body = json.dumps(strip_filters(l), separators=(",", ":"))
            write("chain_select", name, header(name) + body.encode())
            n += 1
        for i, m in enumerate(list(matchers(doc))[:4]):
            name = f"{stem}-{i}"
            write("matcher_eval", name, header(name) + json.dumps(m, separators=(",", ":")).encode())

    # Matcher shapes the dumps lack: prefix maps, the server-name matcher, matcher lists
    # with and/or/not predicates and every string matcher, camelCase field names.
    net = "type.googleapis.com/envoy.extensions.matching.common_inputs.network.v3."
    def inp(kind):
        return {"name": kind, "typed_config": {"@type": net + kind}}
    def act(name):
        return {"action": {"name": name, "typed_config": {
            "@type": "type.googleapis.com/google.protobuf.StringValue", "value": name}}}
    shapes = [
        {"matcher_tree": {"input": inp("ApplicationProtocolInput"),
                          "prefix_match_map": {"map": {"'h": act("h"), "'h2": act("h2")}}},
         "on_no_match": act("fallback")},
        {"matcherTree": {"input": inp("ServerNameInput"), "customMatch": {"name": "sni", "typedConfig": {
            "@type": "type.googleapis.com/xds.type.matcher.v3.ServerNameMatcher",
            "domainMatchers": [{"domains": ["*.example.com", "foo.example.com"], "onMatch": act("sni")}]}}}},
        {"matcher_list": {"matchers": [
            {"predicate": {"and_matcher": {"predicate": [
                {"single_predicate": {"input": inp("TransportProtocolInput"), "value_match": {"exact": "tls"}}},
                {"not_matcher": {"single_predicate": {"input": inp("SourcePortInput"),
                                                      "value_match": {"prefix": "8", "ignore_case": True}}}}]}},
             "on_match": act("a")},
            {"predicate": {"or_matcher": {"predicate": [
                {"single_predicate": {"input": inp("DirectSourceIPInput"), "value_match": {"suffix": ".1"}}},
                {"single_predicate": {"input": inp("SourceTypeInput"), "value_match": {"contains": "local"}}},
                {"single_predicate": {"input": inp("ServerNameInput"),
                                      "value_match": {"safe_regex": {"regex": "^.*\\.svc$"}}}}]}},
             "on_match": {"matcher": {"matcher_tree": {"input": inp("DestinationPortInput"),
                                                       "exact_match_map": {"map": {"80": act("b")}}}}}}]},
         "on_no_match": act("c")},
        {"matcher_tree": {"input": inp("SourceIPInput"), "custom_match": {"name": "ip", "typed_config": {
            "@type": "type.googleapis.com/xds.type.matcher.v3.IPMatcher",
            "range_matchers": [{"ranges": [{"address_prefix": "0.0.0.0", "prefix_len": 0},
                                           {"addressPrefix": "::1", "prefixLen": 128}],
                                "on_match": act("ip"), "exclusive": True}]}}}},
    ]
    for i, m in enumerate(shapes):
        name = f"shape-{i}"
        write("matcher_eval", name, header(name) + json.dumps(m, separators=(",", ":")).encode())

    # jsonpath: the templates of the unit tests and CLI tests, alone (run against
    # jsonpath_doc.json) and a few with a document after a NUL byte.
    templates = set()
    sources = list((ROOT / "src/render/jsonpath").rglob("*.rs")) + list((ROOT / "tests/cli").glob("*.rs"))
    for src in sources:
        for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', src.read_text()):
            lit = m.group(1)
            if "{" in lit and len(lit) < 200:
                try:
                    templates.add(json.loads('"' + lit + '"'))
                except ValueError:
                    pass
            if lit.startswith("jsonpath="):
                templates.add(lit[len("jsonpath="):].replace('\\"', '"').replace("\\\\", "\\"))
    for i, t in enumerate(sorted(templates)):
        write("jsonpath", f"t{i:03}", t)
    docs = [{"a": [1, 2.5, "x", None, True], "b": {"c.d": {"@type": "t"}}},
            [{"name": "l", "port": 80}, {"name": "m", "port": "80"}]]
    for i, (t, d) in enumerate([("{.a[*]}", docs[0]), ("{range .a[1:]}{@}{\"\\n\"}{end}", docs[0]),
                                ("{['b']['c.d'].@type}", docs[0]), ("{[?(@.port==80)].name}", docs[1]),
                                ("{..name}", docs[1])]):
        write("jsonpath", f"doc{i}", t.encode() + b"\0" + json.dumps(d).encode())

    # The fixed document jsonpath templates run against.
    (FUZZ / "jsonpath_doc.json").write_text(
        json.dumps(trim(parsed["listeners-only"]), indent=1) + "\n")


if __name__ == "__main__":
    main()
