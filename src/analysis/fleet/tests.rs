use super::workload::WorkloadFrom;
use super::*;

const HW: &str = "default/helloworld";
const SHA_A: &str = "d1294d5f5d1e29473e8bce0e97f9131c8338a8ac705a09181ad9382c7c4bcde9";
const SHA_B: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn present(count: usize, sha: &str) -> PluginState {
    PluginState {
        count,
        ecds: Some(EcdsState::Present),
        module: Some(ModuleId {
            sha256: Some(sha.into()),
            source: None,
            resource_version: None,
        }),
    }
}

fn state(count: usize, ecds: EcdsState) -> PluginState {
    PluginState {
        count,
        ecds: Some(ecds),
        module: None,
    }
}

fn pod(name: &str, workload: &str, plugins: &[(&str, PluginState)]) -> PodSummary {
    PodSummary {
        id: PodId {
            cluster: None,
            namespace: "default".into(),
            pod: name.into(),
        },
        workload: Workload {
            name: workload.into(),
            from: WorkloadFrom::Label,
        },
        plugins: plugins
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        problems: 0,
        unchecked: 0,
        unchecked_reason: None,
    }
}

fn flags(report: &FleetReport) -> Vec<(&str, Flag, usize)> {
    report
        .pods
        .iter()
        .map(|r| (r.pod.as_str(), r.flag, r.group))
        .collect()
}

#[test]
fn each_kind_of_difference_is_flagged_with_its_reason() {
    let mut pods: Vec<PodSummary> = (1..=5)
        .map(|i| pod(&format!("web-{i}"), "web", &[(HW, present(6, SHA_A))]))
        .collect();
    pods.push(pod("web-missing", "web", &[]));
    pods.push(pod("web-module", "web", &[(HW, present(6, SHA_B))]));
    pods.push(pod(
        "web-deny",
        "web",
        &[(HW, state(6, EcdsState::DenyAllStandIn))],
    ));
    pods.push(pod("web-fewer", "web", &[(HW, present(3, SHA_A))]));
    pods.push(pod(
        "web-extra",
        "web",
        &[
            (HW, present(6, SHA_A)),
            ("default/other", present(2, SHA_B)),
        ],
    ));
    pods.push(pod(
        "web-ecds",
        "web",
        &[(HW, state(6, EcdsState::Missing))],
    ));
    let report = fleet_report(pods, Vec::new());
    assert!(report.has_findings());
    assert_eq!(report.plugins, ["default/helloworld", "default/other"]);
    assert_eq!(report.groups[0].pods, 5);
    assert_eq!(report.groups.len(), 7);
    let got: Vec<(&str, Vec<ReasonKind>)> = report
        .deviations
        .iter()
        .map(|d| {
            assert_eq!(d.majority_group, Some(1));
            assert_eq!((d.majority_pods, d.workload_pods), (5, 11));
            (d.pod.as_str(), d.reasons.iter().map(|r| r.kind).collect())
        })
        .collect();
    assert_eq!(
        got,
        [
            ("web-deny", vec![ReasonKind::DenyAllStandIn]),
            ("web-ecds", vec![ReasonKind::EcdsMissing]),
            ("web-extra", vec![ReasonKind::PluginExtra]),
            ("web-fewer", vec![ReasonKind::PlacementCount]),
            ("web-missing", vec![ReasonKind::PluginMissing]),
            ("web-module", vec![ReasonKind::OtherModule]),
        ]
    );
    let detail = |pod: &str| {
        report
            .deviations
            .iter()
            .find(|d| d.pod == pod)
            .map(|d| d.reasons[0].detail.clone())
            .unwrap()
    };
    assert_eq!(
        detail("web-missing"),
        "default/helloworld is missing; the majority has it on 6 filter chains"
    );
    assert_eq!(
        detail("web-module"),
        "default/helloworld runs another module: sha256 000000000000; the majority runs \
         sha256 d1294d5f5d1e"
    );
    assert_eq!(
        detail("web-deny"),
        "default/helloworld is the agent's deny-all stand-in: its module failed to load and \
         every request is denied; the majority runs sha256 d1294d5f5d1e"
    );
    assert_eq!(
        detail("web-fewer"),
        "default/helloworld is on 3 filter chains; the majority has it on 6"
    );
}

#[test]
fn version_info_is_not_identity_but_resource_version_is() {
    // Summaries never hold version_info; the resource version does count.
    let mut rv = present(6, SHA_A);
    if let Some(m) = rv.module.as_mut() {
        m.resource_version = Some("41".into());
    }
    let mut newer = rv.clone();
    if let Some(m) = newer.module.as_mut() {
        m.resource_version = Some("42".into());
    }
    let pods = vec![
        pod("a", "web", &[(HW, rv.clone())]),
        pod("b", "web", &[(HW, rv)]),
        pod("c", "web", &[(HW, newer)]),
    ];
    let report = fleet_report(pods, Vec::new());
    assert_eq!(report.deviations.len(), 1);
    assert_eq!(
        report.deviations[0].reasons[0].detail,
        "default/helloworld runs another module: sha256 d1294d5f5d1e (resourceVersion 42); \
         the majority runs sha256 d1294d5f5d1e (resourceVersion 41)"
    );
}

#[test]
fn workloads_are_compared_apart_and_ties_have_no_majority() {
    let pods = vec![
        pod("web-1", "web", &[(HW, present(6, SHA_A))]),
        pod("web-2", "web", &[(HW, present(6, SHA_A))]),
        // Another workload with another signature: not a deviation.
        pod("api-1", "api", &[]),
        // Alone in its workload: never flagged.
        pod("solo", "solo", &[(HW, present(1, SHA_B))]),
        // A 1–1 split: no majority.
        pod("db-1", "db", &[(HW, present(6, SHA_A))]),
        pod("db-2", "db", &[]),
    ];
    let report = fleet_report(pods, Vec::new());
    assert_eq!(
        flags(&report),
        [
            ("api-1", Flag::Ok, 2),
            ("db-1", Flag::NoMajority, 1),
            ("db-2", Flag::NoMajority, 2),
            ("solo", Flag::Ok, 3),
            ("web-1", Flag::Ok, 1),
            ("web-2", Flag::Ok, 1),
        ]
    );
    assert_eq!(report.deviations.len(), 2);
    assert_eq!(
        report.deviations[0].reasons[0].detail,
        "no majority: the workload's 2 readable pods have 2 different placement signatures \
         (groups 1, 2)"
    );
    assert_eq!(report.deviations[0].majority_group, None);
}

#[test]
fn a_uniform_fleet_has_no_findings_and_keeps_failures_sorted() {
    let pods = vec![
        pod("b", "web", &[(HW, present(6, SHA_A))]),
        pod("a", "web", &[(HW, present(6, SHA_A))]),
    ];
    let failure = |source: &str| FleetFailure {
        source: source.into(),
        cluster: None,
        namespace: None,
        pod: None,
        error: "boom".into(),
    };
    let report = fleet_report(pods, vec![failure("pod/z.ns"), failure("pod/c.ns")]);
    assert!(!report.has_findings());
    assert_eq!(flags(&report), [("a", Flag::Ok, 1), ("b", Flag::Ok, 1)]);
    let sources: Vec<&str> = report.failures.iter().map(|f| f.source.as_str()).collect();
    assert_eq!(sources, ["pod/c.ns", "pod/z.ns"]);
}

#[test]
fn problem_verdicts_alone_are_findings() {
    let mut one = pod("a", "web", &[]);
    one.problems = 2;
    assert!(fleet_report(vec![one], Vec::new()).has_findings());
}

#[test]
fn digests_shorten_like_image_ids() {
    assert_eq!(short_digest(SHA_A), "d1294d5f5d1e");
    assert_eq!(short_digest("abc"), "abc");
}
