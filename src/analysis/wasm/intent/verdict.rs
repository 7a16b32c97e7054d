//! The verdicts of the intent check and the report that carries them: the JSON and table
//! shapes `wasm count` prints (fields are only ever added).

use serde::Serialize;

/// The verdict classes; all but `ExpectedPresent`, `NotAttached` and `NotChecked` are problems
/// (exit code 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictKind {
    /// The plugin applies and sits on the chains it should.
    ExpectedPresent,
    /// istiod attaches the plugin nowhere on this proxy (gateways and waypoints, where every
    /// plugin given is accounted for): the detail says why.
    NotAttached,
    /// The plugin applies but is absent from some chains.
    ExpectedMissing,
    /// The filter sits where no resource asks for it (stale or foreign).
    PresentNotExpected,
    /// Plugins run in another order than phase and priority say.
    WrongOrder,
    /// A listener references an ECDS resource the ECDS section lacks.
    EcdsMissing,
    /// The agent replaced the module with its RBAC stand-in.
    AgentStandIn,
    /// The module or its config is not what the resource asks for (`drift.rs`).
    Drift,
    /// No verdict could be reached (see [`Verdict::reason`]): not a problem, never clean;
    /// `--fail-on-unchecked` decides the exit code.
    NotChecked,
}

impl VerdictKind {
    /// Whether this verdict makes `wasm count` exit 1.
    pub fn is_problem(self) -> bool {
        !matches!(
            self,
            VerdictKind::ExpectedPresent | VerdictKind::NotAttached | VerdictKind::NotChecked
        )
    }

    /// The name as JSON and the table print it.
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::ExpectedPresent => "expected-present",
            VerdictKind::NotAttached => "not-attached",
            VerdictKind::ExpectedMissing => "expected-missing",
            VerdictKind::PresentNotExpected => "present-not-expected",
            VerdictKind::WrongOrder => "wrong-order",
            VerdictKind::EcdsMissing => "ecds-missing",
            VerdictKind::AgentStandIn => "agent-stand-in",
            VerdictKind::Drift => "drift",
            VerdictKind::NotChecked => "not-checked",
        }
    }
}

/// One finding about one plugin (or, for `wrong-order`, a list of plugins).
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The class.
    pub verdict: VerdictKind,
    /// `namespace/name` (comma-separated for `wrong-order`), or the raw filter name.
    pub plugin: String,
    /// Each plugin (or raw filter name) the verdict concerns; what `--plugin` selects on.
    #[serde(skip)]
    pub plugins: Vec<String>,
    /// The filter name in the dump, when there is one.
    pub filter: Option<String>,
    /// The chains (`listener chain (match)`) or listeners concerned.
    pub chains: Vec<String>,
    /// One sentence saying what is wrong, or what is right.
    pub detail: String,
    /// Why no verdict was reached (`not-checked` only; `null` otherwise).
    pub reason: Option<UncheckedReason>,
}

/// Why a plugin's verdict could not be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UncheckedReason {
    /// No WasmPlugins to compare with (no `--resources`, cluster or bug report).
    NoResources,
    /// The verdict rests on a resource not given: the ServiceEntry that declares the host
    /// of a waypoint chain a ServiceEntry targetRef could name.
    ResourceMissing,
    /// The proxy's namespace is unknown, so no plugin can be said to apply.
    UnknownNamespace,
    /// The dump names an Istio version whose rules are not modelled
    /// (`analysis::wasm::unchecked::MODELLED_MINORS`).
    IstioVersionNotModelled,
}

/// Whether intent was checked, and if not why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IntentStatus {
    /// Resources were joined to the filters.
    Checked,
    /// No `--resources` given.
    NoResources,
    /// Neither the dump nor `--namespace` says the proxy's namespace.
    UnknownNamespace,
    /// The dump names an Istio version outside the modelled range.
    IstioVersionNotModelled,
}

impl IntentStatus {
    /// Why intent was not checked; `None` when it was.
    pub fn unchecked_reason(self) -> Option<UncheckedReason> {
        match self {
            IntentStatus::Checked => None,
            IntentStatus::NoResources => Some(UncheckedReason::NoResources),
            IntentStatus::UnknownNamespace => Some(UncheckedReason::UnknownNamespace),
            IntentStatus::IstioVersionNotModelled => Some(UncheckedReason::IstioVersionNotModelled),
        }
    }
}

/// One applicable plugin in expected execution order.
#[derive(Debug, Clone, Serialize)]
pub struct OrderEntry {
    /// `namespace/name`.
    pub plugin: String,
    /// `AUTHN`, `AUTHZ`, `STATS` or `UNSPECIFIED_PHASE`.
    pub phase: &'static str,
    /// `priority`, `null` when unset.
    pub priority: Option<i64>,
    /// The place relative to a neighbour rests on names only (no creationTimestamp).
    pub uncertain: bool,
    /// The filter list it is ordered in: `http` (the HCM's filters) or `network` (the
    /// chain's network filters); each list has its own order.
    pub filter_list: &'static str,
}

/// The intent check of one proxy.
#[derive(Debug, Clone, Serialize)]
pub struct IntentReport {
    /// Checked or why not.
    pub status: IntentStatus,
    /// Applicable plugins in expected order.
    pub expected_order: Vec<OrderEntry>,
    /// Verdicts about plugins and their order.
    pub verdicts: Vec<Verdict>,
}
