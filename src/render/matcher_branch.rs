//! A `filter_chain_matcher` branch in words, with istioctl's `--waypoint` conventions
//! (DOMAIN.md §4.4): `input=value` steps joined by ` -> `, `^` for prefix maps, CIDRs for IP
//! ranges (bare IPs for /32 and /128), `UNMATCHED` for an on-no-match step, `ANY` for a
//! branch with no step. Used by the wide `pc listener` MATCH cell and by `explain`.

use crate::analysis::listener::matcher_paths::{
    BranchPredicate, BranchStep, MatcherBranch, ValueTest, range_text,
};

/// The branch as one line.
pub fn branch_text(branch: &MatcherBranch) -> String {
    if branch.steps.is_empty() {
        return "ANY".to_string();
    }
    let steps: Vec<String> = branch.steps.iter().map(step_text).collect();
    steps.join(" -> ")
}

fn step_text(step: &BranchStep) -> String {
    match step {
        BranchStep::Exact { input, key } => format!("{input}={key}"),
        BranchStep::Prefix { input, key } => format!("{input}^{key}"),
        BranchStep::Range { input, range } => format!("{input}={}", range_text(range)),
        BranchStep::Domain { input, domain } => format!("{input}={domain}"),
        BranchStep::Predicate(p) => predicate_text(p),
        BranchStep::Unmatched { input } if input.is_empty() => "UNMATCHED".to_string(),
        BranchStep::Unmatched { input } => format!("{input}=UNMATCHED"),
    }
}

fn predicate_text(p: &BranchPredicate) -> String {
    match p {
        BranchPredicate::Single { input, value } => {
            let value = match value {
                Some(ValueTest::Exact(e)) => format!("={e}"),
                Some(ValueTest::Prefix(pre)) => format!("^{pre}"),
                Some(ValueTest::Suffix(s)) => format!("=*{s}"),
                Some(ValueTest::Contains(c)) => format!("=*{c}*"),
                Some(ValueTest::Regex(r)) => format!("=~{r}"),
                Some(ValueTest::Other) => "=?".to_string(),
                None => "=custom".to_string(),
            };
            format!("{input}{value}")
        }
        BranchPredicate::Or(list) => join(list, " or "),
        BranchPredicate::And(list) => join(list, " and "),
        BranchPredicate::Not(inner) => format!("not {}", predicate_text(inner)),
        BranchPredicate::Any => "ANY".to_string(),
    }
}

fn join(list: &[BranchPredicate], op: &str) -> String {
    let parts: Vec<String> = list.iter().map(predicate_text).collect();
    format!("({})", parts.join(op))
}
