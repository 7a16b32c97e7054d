//! Evaluation cases, run through `render_template`: paths, slices and unions over
//! listener arrays, `{range}` bodies, and kubectl's missing-field and evaluation errors.

use serde_json::json;

use crate::render::jsonpath::test_support::{check, check_errors, ecds, listeners};

#[test]
fn listener_arrays() {
    let l = listeners();
    check(&[
        (
            "{[*].name}",
            l.clone(),
            "virtualInbound virtualOutbound 10.96.0.10_53 connect_originate",
        ),
        (
            "{range [*]}{.name}{\"\\n\"}{end}",
            l.clone(),
            "virtualInbound\nvirtualOutbound\n10.96.0.10_53\nconnect_originate\n",
        ),
        ("{[0].address.socketAddress.portValue}", l.clone(), "15006"),
        ("{[-1].name}", l.clone(), "connect_originate"),
        ("{[-2].name}", l.clone(), "10.96.0.10_53"),
        ("{[1:3].name}", l.clone(), "virtualOutbound 10.96.0.10_53"),
        ("{[-2:].name}", l.clone(), "10.96.0.10_53 connect_originate"),
        ("{[:2].name}", l.clone(), "virtualInbound virtualOutbound"),
        ("{[::2].name}", l.clone(), "virtualInbound 10.96.0.10_53"),
        ("{[0:0].name}", l.clone(), ""),
        ("{[4:].name}", l.clone(), ""),
        ("{[0,2].name}", l.clone(), "virtualInbound 10.96.0.10_53"),
        (
            "{[0]['name','trafficDirection']}",
            l.clone(),
            "virtualInbound INBOUND",
        ),
        (
            "{[0].filterChains[*].name}",
            l.clone(),
            "virtualInbound-blackhole 0.0.0.0_15006",
        ),
        (
            "{[*].filterChains[0].name}",
            l.clone(),
            "virtualInbound-blackhole virtualOutbound-catchall-tcp",
        ),
        ("{..portValue}", l.clone(), "15006 15001 53"),
        (
            "{[0].address}",
            l.clone(),
            r#"{"socketAddress":{"address":"0.0.0.0","portValue":15006}}"#,
        ),
        ("{[2].bindToPort}", l.clone(), "false"),
        ("{[1].useOriginalDst}", l.clone(), "true"),
        // Some listeners lack the field: kubectl prints what the others have.
        ("{[*].trafficDirection}", l.clone(), "INBOUND OUTBOUND"),
        (
            "{[*].address.socketAddress.portValue}",
            l.clone(),
            "15006 15001 53",
        ),
        ("{$[0].name}", l.clone(), "virtualInbound"),
        ("{@[0].name}", l.clone(), "virtualInbound"),
    ]);
}

#[test]
fn ranges() {
    let l = listeners();
    check(&[
        (
            "{range [*]}{.name}{\"\\t\"}{.address.socketAddress.portValue}{\"\\n\"}{end}",
            l.clone(),
            "virtualInbound\t15006\nvirtualOutbound\t15001\n10.96.0.10_53\t53\nconnect_originate\t\n",
        ),
        (
            "{range [*]}{.name}:{range .filterChains[*]} {.name}{end}{\"\\n\"}{end}",
            l.clone(),
            "virtualInbound: virtualInbound-blackhole 0.0.0.0_15006\nvirtualOutbound: virtualOutbound-catchall-tcp\n10.96.0.10_53:\nconnect_originate:\n",
        ),
        ("{range [?(@.nope)]}x{end}after", l.clone(), "after"),
        (
            "{range [0:2]}[{@.name}]{end}",
            l.clone(),
            "[virtualInbound][virtualOutbound]",
        ),
        ("{range}{[0].name}{end}", l.clone(), "virtualInbound"),
        ("{ range [*] }{.nope}{ end }.", l.clone(), "."),
        ("{range.ecdsFilters[*]}{.versionInfo}{end}", ecds(), "12"),
        (
            "{range $[?@.useOriginalDst == true]}{.name}{end}",
            l.clone(),
            "virtualOutbound",
        ),
        (
            "{range [*]}{range .filterChains[*]}{.name},{end};{end}",
            l.clone(),
            "virtualInbound-blackhole,0.0.0.0_15006,;virtualOutbound-catchall-tcp,;;;",
        ),
    ]);
}

#[test]
fn missing_keys_error_at_top_level_only() {
    let l = listeners();
    check_errors(&[
        (
            "{.nope}",
            json!({"a": 1}),
            "jsonpath: nope is not found at column 2: `.nope`",
        ),
        (
            "{[*].nope}",
            l.clone(),
            "jsonpath: nope is not found at column 5: `.nope`",
        ),
        (
            "{.name}",
            l.clone(),
            "jsonpath: name is not found (the value there is an array: select elements with [*] or [N] first) at column 2: `.name`",
        ),
        (
            "{.a.b}",
            json!({"a": "s"}),
            "jsonpath: b is not found at column 4: `.b`",
        ),
        (
            "{.a}",
            json!(null),
            "jsonpath: a is not found at column 2: `.a`",
        ),
        (
            "{['b.c']}",
            json!({"b": {}}),
            "jsonpath: b.c is not found at column 2: `['b.c']`",
        ),
        (
            "{range .nope[*]}{end}",
            json!({}),
            "jsonpath: nope is not found at column 8: `.nope`",
        ),
        (
            "{range [*]}{.nope}{end}{.nope}",
            l.clone(),
            "jsonpath: nope is not found (the value there is an array: select elements with [*] or [N] first) at column 25: `.nope`",
        ),
    ]);
}

#[test]
fn evaluation_errors() {
    let l = listeners();
    check_errors(&[
        (
            "{[9]}",
            l.clone(),
            "jsonpath: array index out of bounds: index 9, length 4 at column 2: `[9]`",
        ),
        (
            "{[-5]}",
            l.clone(),
            "jsonpath: array index out of bounds: index -1, length 4 at column 2: `[-5]`",
        ),
        (
            "{[1:9]}",
            l.clone(),
            "jsonpath: array index out of bounds: index 8, length 4 at column 2: `[1:9]`",
        ),
        (
            "{[3:1]}",
            l.clone(),
            "jsonpath: starting index 3 is greater than ending index 1 at column 2: `[3:1]`",
        ),
        (
            "{[::0]}",
            l.clone(),
            "jsonpath: step must be > 0 at column 2: `[::0]`",
        ),
        (
            "{[0]}",
            json!([]),
            "jsonpath: array index out of bounds: index 0, length 0 at column 2: `[0]`",
        ),
        (
            "{[9223372036854775807]}",
            json!([1]),
            "jsonpath: array index out of bounds: index 9223372036854775807, length 1 at column 2: `[9223372036854775807]`",
        ),
        (
            "{.a[0]}",
            json!({"a": {}}),
            "jsonpath: an object is not an array at column 4: `[0]`",
        ),
        (
            "{[*]}",
            json!({"a": 1}),
            "jsonpath: an object is not an array at column 2: `[*]`",
        ),
        (
            "{.a[?(@.x==1)]}",
            json!({"a": {"x": 1}}),
            "jsonpath: an object is not an array and cannot be filtered at column 4: `[?(@.x==1)]`",
        ),
        (
            "{[?(@.name==1)]}",
            l.clone(),
            "jsonpath: cannot compare a string with a number at column 2: `[?(@.name==1)]`",
        ),
        (
            "{[?(@.address==1)]}",
            l.clone(),
            "jsonpath: an object cannot be compared at column 2: `[?(@.address==1)]`",
        ),
        (
            "{[?(@.bindToPort<true)]}",
            l.clone(),
            "jsonpath: booleans cannot be compared with < at column 2: `[?(@.bindToPort<true)]`",
        ),
        (
            "{[?(@.filterChains[*].name==\"x\")]}",
            l.clone(),
            "jsonpath: can only compare one element at a time at column 2: `[?(@.filterChains[*].name==\"x\")]`",
        ),
        (
            "{range [*]}{.filterChains[0].name}{end}",
            json!([{"filterChains": []}]),
            "jsonpath: array index out of bounds: index 0, length 0 at column 26: `[0]`",
        ),
    ]);
}
