#!/usr/bin/env python3
"""Writes meshscope's istioctl bug-report fixture: this folder (the unpacked archive) and
testdata/bug-report.tar.gz (the same files under `bug-report/`, as istioctl packs them).

Rerun (from anywhere; Python 3.8+, standard library only):

    python3 testdata/bug-report/generate.py           # rewrite the tree and the tarball
    python3 testdata/bug-report/generate.py --check   # write nothing; fail if a file is stale

The output is deterministic: no clocks, no randomness; tar entries sorted, mtime fixed, owner 0,
gzip header time 0. `--check` compares the tarball's *decompressed* bytes (zlib builds may
compress the same tar differently) and its gzip header time. Edit this script, never the
generated files; README.md beside it describes the fleet.

The dumps are made from testdata/dumps/ (written by testdata/dumps/generate.py): the node
identity is rewritten for each pod, and a few pods are changed on purpose (plugin removed,
plugin renamed for another namespace, truncated). Layout facts (istio/istio
tools/bug-report/pkg): proxies/<namespace>/<pod>/config_dump?include_eds (plain `config_dump`
in older releases), cluster/crs and cluster/k8s-resources as one `kind: List` each, only
regular files in the tarball, walked in lexical order.
"""

import argparse
import copy
import gzip
import io
import json
import os
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
DUMPS = os.path.join(HERE, "..", "dumps")
TARBALL = os.path.join(HERE, "..", "bug-report.tar.gz")
# The directory istioctl puts everything under (archive.go: bugReportSubdir).
ROOT = "bug-report"
# A fixed time for every tar entry (2024-01-01T00:00:00Z).
MTIME = 1704067200
# Files of this folder that are not part of the unpacked archive.
OWN_FILES = {"generate.py", "README.md"}

NEW_DUMP = "config_dump?include_eds"
OLD_DUMP = "config_dump"

SEED_LABELS = {
    "pod-template-hash": "7d5b9c6f48",
    "security.istio.io/tlsMode": "istio",
    "service.istio.io/canonical-name": "httpbin",
    "service.istio.io/canonical-revision": "v1",
    "app": "httpbin",
    "version": "v1",
}
RATINGS_LABELS = {
    "pod-template-hash": "6b9f8c7d5",
    "security.istio.io/tlsMode": "istio",
    "service.istio.io/canonical-name": "ratings",
    "service.istio.io/canonical-revision": "v1",
    "app": "ratings",
    "version": "v1",
}

# namespace, pod, IP, source dump, dump file name, labels, change
PODS = [
    ("default", "httpbin-7d5b9c6f48-qz8vw", "10.244.0.12", "istio-current-permissive.json", NEW_DUMP, SEED_LABELS, None),
    ("default", "httpbin-7d5b9c6f48-x2k9p", "10.244.0.13", "istio-current-strict.json", NEW_DUMP, SEED_LABELS, None),
    ("default", "httpbin-7d5b9c6f48-m4n7t", "10.244.0.14", "istio-current-permissive.json", NEW_DUMP, SEED_LABELS, "drop-plugin"),
    ("apps", "ratings-6b9f8c7d5-h2j4k", "10.244.1.20", "istio-current-disable.json", NEW_DUMP, RATINGS_LABELS, "apps-plugin"),
    ("apps", "ratings-6b9f8c7d5-p8q3r", "10.244.1.21", "istio-1.12-strict.json", OLD_DUMP, RATINGS_LABELS, "apps-plugin"),
    ("apps", "reviews-7f8d9c6b5-zz9xw", "10.244.1.30", "truncated.json", NEW_DUMP, {"app": "reviews", "version": "v1"}, "verbatim"),
]

PLUGIN = "default.helloworld"


def read(name):
    with open(os.path.join(DUMPS, name), "rb") as f:
        return f.read()


def rename_strings(value, old, new):
    """Every string in `value` with `old` replaced by `new` (keys are data, left alone)."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [rename_strings(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: rename_strings(v, old, new) for k, v in value.items()}
    return value


def without_plugin(value):
    """The dump with the plugin gone: its HTTP filters and its ECDS entry removed."""
    if isinstance(value, list):
        kept = [
            v
            for v in value
            if not (isinstance(v, dict) and PLUGIN in str(v.get("name", "")))
            and not (isinstance(v, dict) and PLUGIN in str(v.get("ecds_filter", {}).get("name", "")))
        ]
        return [without_plugin(v) for v in kept]
    if isinstance(value, dict):
        return {k: without_plugin(v) for k, v in value.items()}
    return value


def set_identity(dump, namespace, pod, ip, labels):
    """Rewrites the bootstrap node as that pod's sidecar would report itself."""
    for section in dump["configs"]:
        if not section["@type"].endswith("BootstrapConfigDump"):
            continue
        node = section["bootstrap"]["node"]
        workload = labels["app"]
        node["id"] = "sidecar~%s~%s.%s~%s.svc.cluster.local" % (ip, pod, namespace, namespace)
        node["cluster"] = "%s.%s" % (workload, namespace)
        meta = node["metadata"]
        meta["NAME"] = pod
        meta["NAMESPACE"] = namespace
        meta["LABELS"] = dict(sorted(labels.items()))
        meta["WORKLOAD_NAME"] = workload
        meta["OWNER"] = "kubernetes://apis/apps/v1/namespaces/%s/deployments/%s" % (namespace, workload)
        ips = meta.get("INSTANCE_IPS", "").split(",")
        meta["INSTANCE_IPS"] = ",".join([ip] + ips[1:])
    return dump


def dump_bytes(namespace, pod, ip, source, labels, change):
    raw = read(source)
    if change == "verbatim":
        return raw
    dump = set_identity(json.loads(raw), namespace, pod, ip, labels)
    if change == "drop-plugin":
        dump = without_plugin(dump)
        assert PLUGIN not in json.dumps(dump)
    elif change == "apps-plugin":
        dump = rename_strings(dump, PLUGIN, "apps.helloworld")
    return (json.dumps(dump, indent=2) + "\n").encode()


def yaml_scalar(s):
    """A string as kubectl's YAML writes it: quoted when it would read as something else."""
    plain = s and s[0] not in "-?:,[]{}#&*!|>'\"%@`" and ": " not in s and " #" not in s
    looks_typed = s.lower() in ("true", "false", "yes", "no", "on", "off", "null", "~") or s.replace(".", "", 1).isdigit()
    return s if plain and not looks_typed else json.dumps(s)


def yaml_labels(labels, indent):
    pad = " " * indent
    return "".join("%s%s: %s\n" % (pad, k, yaml_scalar(v)) for k, v in sorted(labels.items()))


def pod_item(namespace, pod, ip, labels, sidecar=True):
    containers = "    - image: %s\n      name: %s\n" % ("docker.io/library/app:1", labels["app"])
    if sidecar:
        containers += "    - image: docker.io/istio/proxyv2:1.30.0\n      name: istio-proxy\n"
    return (
        "- apiVersion: v1\n"
        "  kind: Pod\n"
        "  metadata:\n"
        "    labels:\n" + yaml_labels(labels, 6) +
        "    name: %s\n"
        "    namespace: %s\n"
        "  spec:\n"
        "    containers:\n" % (pod, namespace) + containers +
        "  status:\n"
        "    phase: Running\n"
        "    podIP: %s\n" % ip
    )


def service_item(namespace, name, port, target):
    return (
        "- apiVersion: v1\n"
        "  kind: Service\n"
        "  metadata:\n"
        "    name: %s\n"
        "    namespace: %s\n"
        "  spec:\n"
        "    ports:\n"
        "    - name: http\n"
        "      port: %d\n"
        "      targetPort: %d\n"
        "    selector:\n"
        "      app: %s\n" % (name, namespace, port, target, name)
    )


def k8s_resources():
    items = "".join(
        "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: %s\n" % ns
        for ns in ("apps", "default", "istio-system")
    )
    for namespace, pod, ip, _, _, labels, _ in PODS:
        items += pod_item(namespace, pod, ip, labels)
    # Pods without a dump: a workload outside the mesh, and istiod.
    items += pod_item("apps", "mysql-0", "10.244.1.40", {"app": "mysql"}, sidecar=False)
    items += pod_item("istio-system", "istiod-5f4d8c7b9-k7l8m", "10.244.0.5", {"app": "istiod", "istio": "pilot"}, sidecar=False)
    items += service_item("default", "httpbin", 8000, 80)
    items += service_item("apps", "ratings", 9080, 9080)
    return ("apiVersion: v1\nitems:\n" + items + "kind: List\nmetadata:\n  resourceVersion: \"\"\n").encode()


def wasm_plugin(namespace, app):
    return (
        "- apiVersion: extensions.istio.io/v1alpha1\n"
        "  kind: WasmPlugin\n"
        "  metadata:\n"
        "    name: helloworld\n"
        "    namespace: %s\n"
        "  spec:\n"
        "    pluginConfig:\n"
        "      greeting: hello from meshscope\n"
        "    selector:\n"
        "      matchLabels:\n"
        "        app: %s\n"
        "    url: oci://ghcr.io/meshscope-fixtures/wasm/helloworld:1.0.0\n" % (namespace, app)
    )


def crs():
    items = (
        "- apiVersion: networking.istio.io/v1\n"
        "  kind: DestinationRule\n"
        "  metadata:\n"
        "    name: ratings\n"
        "    namespace: apps\n"
        "  spec:\n"
        "    host: ratings.apps.svc.cluster.local\n"
        "- apiVersion: security.istio.io/v1\n"
        "  kind: PeerAuthentication\n"
        "  metadata:\n"
        "    name: default\n"
        "    namespace: istio-system\n"
        "  spec:\n"
        "    mtls:\n"
        "      mode: PERMISSIVE\n"
    )
    items += wasm_plugin("apps", "ratings") + wasm_plugin("default", "httpbin")
    return ("apiVersion: v1\nitems:\n" + items + "kind: List\nmetadata:\n  resourceVersion: \"\"\n").encode()


def tree():
    """The unpacked archive: path relative to this folder -> bytes."""
    files = {
        "cluster/crs": crs(),
        "cluster/k8s-resources": k8s_resources(),
        "versions": b"CLI version:\nversion.BuildInfo{Version:\"1.30.0\"}\n",
    }
    for namespace, pod, ip, source, dump_name, labels, change in PODS:
        base = "proxies/%s/%s/" % (namespace, pod)
        files[base + dump_name] = dump_bytes(namespace, pod, ip, source, labels, change)
    # Other admin outputs sit next to the dump; meshscope reads none of them.
    files["proxies/default/httpbin-7d5b9c6f48-qz8vw/server_info"] = b'{"state": "LIVE"}\n'
    return files


def tar_bytes(files):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(files):
            data = files[name]
            info = tarfile.TarInfo("%s/%s" % (ROOT, name))
            info.size = len(data)
            info.mtime = MTIME
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def on_disk_tree():
    found = {}
    for dirpath, _, names in os.walk(HERE):
        for name in names:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, HERE).replace(os.sep, "/")
            if rel in OWN_FILES or "__pycache__" in rel:
                continue
            with open(path, "rb") as f:
                found[rel] = f.read()
    return found


def check(files):
    ok = True
    disk = on_disk_tree()
    for name in sorted(set(files) | set(disk)):
        if files.get(name) != disk.get(name):
            print("DIFFERS  bug-report/%s (rerun generate.py)" % name)
            ok = False
    try:
        with open(TARBALL, "rb") as f:
            packed = f.read()
        if packed[4:8] != b"\0\0\0\0":
            print("DIFFERS  bug-report.tar.gz: gzip header time is not 0")
            ok = False
        if gzip.decompress(packed) != tar_bytes(files):
            print("DIFFERS  bug-report.tar.gz (rerun generate.py)")
            ok = False
    except (OSError, EOFError) as e:
        print("DIFFERS  bug-report.tar.gz: %s" % e)
        ok = False
    return ok


def write(files):
    for name, data in files.items():
        path = os.path.join(HERE, *name.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        print("wrote bug-report/%-70s %8d bytes" % (name, len(data)))
    for name in set(on_disk_tree()) - set(files):
        os.remove(os.path.join(HERE, *name.split("/")))
        print("removed bug-report/%s" % name)
    packed = gzip.compress(tar_bytes(files), compresslevel=9, mtime=0)
    with open(TARBALL, "wb") as f:
        f.write(packed)
    print("wrote bug-report.tar.gz %8d bytes" % len(packed))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify the files on disk; write nothing")
    args = parser.parse_args()
    files = tree()
    if args.check:
        sys.exit(0 if check(files) else 1)
    write(files)


if __name__ == "__main__":
    main()
