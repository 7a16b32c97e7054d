#!/usr/bin/env python3
"""Writes src/envoy/proto_maps.rs: which proto fields of Envoy's and xDS's APIs hold data
(map keys, google.protobuf.Struct/Value/ListValue payloads) rather than field names.

Reads .proto text from two git checkouts (no protoc needed):
  envoyproxy/data-plane-api (the API mirror of envoyproxy/envoy's api/ folder)
  cncf/xds (xds/ and udpa/)
Usage: tools/gen_proto_maps.py DATA_PLANE_API_GIT_DIR XDS_GIT_DIR > src/envoy/proto_maps.rs
Each argument is a git directory (bare or not); the .proto files are read at its HEAD.
"""
import re
import subprocess
import sys
from collections import defaultdict

STRUCTS = {"google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue"}
SCALARS = {"double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
           "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes"}


def git(gitdir, *args):
    return subprocess.run(["git", "--git-dir", gitdir, *args], check=True,
                          capture_output=True, text=True).stdout


def proto_files(gitdir):
    names = git(gitdir, "ls-tree", "-r", "--name-only", "HEAD").split()
    for name in names:
        if name.endswith(".proto") and not name.startswith("bazel/"):
            yield name, git(gitdir, "show", "HEAD:" + name)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    out = []
    for line in text.splitlines():
        # A `//` inside a string literal (validation patterns, URLs in options) is not a comment.
        in_str, quote, i = False, "", 0
        while i < len(line):
            c = line[i]
            if in_str:
                if c == "\\":
                    i += 1
                elif c == quote:
                    in_str = False
            elif c in "\"'":
                in_str, quote = True, c
            elif line.startswith("//", i):
                line = line[:i]
                break
            i += 1
        out.append(line)
    return "\n".join(out)


TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|[A-Za-z_][\w.]*|\d[\w.]*|\S')
FIELD = re.compile(
    r'^(?:(repeated|optional)\s+)?(map\s*<\s*([\w.]+)\s*,\s*([\w.]+)\s*>|[\w.]+)\s+(\w+)\s*=\s*\d+\s*(\[.*\])?$',
    re.S)


def parse(text):
    """Yields (message_full_name, field_name, json_name, kind, type_name) per field."""
    text = strip_comments(text)
    package = ""
    m = re.search(r"^\s*package\s+([\w.]+)\s*;", text, re.M)
    if m:
        package = m.group(1)
    stack = []  # (kind, name)
    stmt = ""
    depth_brackets = 0
    for tok in TOKEN.findall(text):
        if tok == "[":
            depth_brackets += 1
        elif tok == "]":
            depth_brackets -= 1
        if depth_brackets == 0 and tok == "{":
            words = stmt.split()
            kind = words[0] if words else ""
            name = words[1] if len(words) > 1 else ""
            stack.append((kind, name))
            stmt = ""
            continue
        if depth_brackets == 0 and tok == "}":
            if stack:
                stack.pop()
            stmt = ""
            continue
        if depth_brackets == 0 and tok == ";":
            msgs = [n for k, n in stack if k == "message"]
            inside = stack and stack[-1][0] in ("message", "oneof")
            if msgs and inside:
                yield from field(package, msgs, stmt.strip())
            stmt = ""
            continue
        stmt += (" " if stmt and re.match(r"[\w\"']", tok) and re.match(r"[\w\"'>]", stmt[-1]) else "") + tok
    return


def field(package, msgs, stmt):
    m = FIELD.match(stmt)
    if not m or stmt.startswith(("option", "reserved", "extensions")):
        return
    label, typ, key, val, name, opts = m.groups()
    json = to_json_name(name)
    jm = re.search(r'json_name\s*=\s*"([^"]*)"', opts or "")
    if jm:
        json = jm.group(1)
    full = package + "." + ".".join(msgs)
    if key:
        yield full, name, json, "map", val
    else:
        yield full, name, json, "repeated" if label == "repeated" else "single", typ


def check_coverage(name, text, parsed):
    """Fails when the statement parser missed a map or Struct field a plain line scan sees."""
    body = strip_comments(text)
    maps = len(re.findall(r"\bmap\s*<", body))
    structs = len(re.findall(
        r"^\s*(?:repeated\s+)?\.?google\.protobuf\.(?:Struct|Value|ListValue)\s+\w+\s*=", body, re.M))
    got_maps = sum(1 for f in parsed if f[3] == "map")
    got_structs = sum(1 for f in parsed if f[3] != "map" and f[4] in STRUCTS)
    if (maps, structs) != (got_maps, got_structs):
        sys.exit("%s: %d maps and %d Struct fields in the text, %d and %d parsed" % (
            name, maps, structs, got_maps, got_structs))


def to_json_name(name):
    # protobuf's ToJsonName (src/google/protobuf/descriptor.cc): drop each `_`, upper-case
    # the next character when it is an ASCII lower-case letter, keep everything else.
    out, upper = [], False
    for c in name:
        if c == "_":
            upper = True
        elif upper:
            out.append(c.upper() if "a" <= c <= "z" else c)
            upper = False
        else:
            out.append(c)
    return "".join(out)


def main():
    api, xds = sys.argv[1], sys.argv[2]
    commits = []
    fields = []
    for gitdir, label in ((api, "envoyproxy/data-plane-api"), (xds, "cncf/xds")):
        commits.append((label, git(gitdir, "rev-parse", "HEAD").strip()))
        for name, text in proto_files(gitdir):
            parsed = list(parse(text))
            check_coverage(name, text, parsed)
            fields.extend(parsed)
    # name -> kind -> set(messages)
    data = defaultdict(lambda: defaultdict(set))
    json_names = {}
    for msg, name, json, kind, typ in fields:
        json_names[name] = json
        short = typ.split(".")[-1]
        if kind == "map":
            if typ in STRUCTS:
                vk = "Struct"
            elif typ in SCALARS:
                vk = "Scalar"
            else:
                vk = "Message"
            data[name]["FieldKind::Map(MapValue::%s)" % vk].add(msg)
        elif typ in STRUCTS:
            data[name]["FieldKind::Struct"].add(msg)
        elif kind == "single" and typ not in SCALARS:
            data[name]["message"].add(msg)
        else:
            data[name]["other"].add(msg)
    # Which field names lead to each message (a type name matched by its dotted suffix, as
    # protoc resolves a relative name inside the message's package), so a field can be told
    # apart by the field that holds its message when no `@type` names that message.
    by_type = defaultdict(set)
    for msg, name, json, kind, typ in fields:
        by_type[typ.lstrip(".").split(".")[-1]].add((typ.lstrip("."), name))

    def parents(messages):
        out = set()
        for m in messages:
            for typ, fname in by_type.get(m.split(".")[-1], ()):
                if m == typ or m.endswith("." + typ):
                    out.add(fname)
        return sorted(out)

    rows = []
    for name in sorted(data):
        kinds = data[name]
        special = [k for k in kinds if k.startswith("FieldKind::")]
        if not special:
            continue
        for k in sorted(special):
            # A field of the same name that is an ordinary message elsewhere looks the same in
            # JSON (an object); those messages are listed so the converter can tell them apart.
            others = sorted(kinds.get("message", set()) | set().union(
                *[kinds[o] for o in special if o != k]))
            rows.append((name, json_names[name], k, sorted(kinds[k]), others))
    rows = [(n, j, k, m, o, parents(m) if o else [], parents(o)) for n, j, k, m, o in rows]
    w = sys.stdout.write
    w("// @generated by tools/gen_proto_maps.py from the .proto files of\n")
    for label, commit in commits:
        w("//   %s @ %s\n" % (label, commit))
    w("// Regenerate: fetch both repositories, then\n")
    w("//   python3 tools/gen_proto_maps.py DATA_PLANE_API_GIT_DIR XDS_GIT_DIR > src/envoy/proto_maps.rs && cargo fmt\n")
    w("// Do not edit by hand.\n\n")
    w("// Included by src/envoy/proto_data.rs, which defines the types.\n\n")
    w("/// Every proto field whose JSON value holds data: a `map<…>` (its keys are data) or a\n")
    w("/// `google.protobuf.Struct`/`Value`/`ListValue` (all of it is data), sorted by name.\n")
    w("#[rustfmt::skip]\n")
    w("pub const DATA_FIELDS: &[DataField] = &[\n")
    for name, json, kind, msgs, others, held_by, elsewhere_held_by in rows:
        w("    DataField { name: %s, json: %s, kind: %s, messages: &[%s], held_by: &[%s], elsewhere: &[%s], elsewhere_held_by: &[%s] },\n" % (
            q(name), q(json), kind, lst(msgs), lst(held_by), lst(others), lst(elsewhere_held_by)))
    w("];\n")


def lst(items):
    return ", ".join(q(i) for i in items)


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


if __name__ == "__main__":
    main()
