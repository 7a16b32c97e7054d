//! `explain` as text: per listener, the chain paragraphs and warnings, or for a simulated
//! connection the chosen chain, the others with what ruled them out, and the inputs a real
//! sidecar could not see. Layout only; the words come from `explain_words`.

use std::io::Write;

use colored::{Color, Colorize};

use crate::analysis::explain::chain_select::Chosen;
use crate::analysis::explain::{Assumption, ExplainedListener, Simulation, Warning, WayReport};
use crate::render::RenderError;
use crate::render::explain::matcher_rules::matcher_rules_text;
use crate::render::explain::paragraph::chain_paragraph;
use crate::render::explain::scope::{place, shared_block, shared_lines};
use crate::render::explain::way::way_header;
use crate::render::explain::words::{
    chain_label, chain_phrase, code, criterion_words, default_chain_phrase, derivation_words,
    reason_words, tie_words, unseen_words, warning_words,
};
use crate::render::terminal::{Terminal, wrap_text};
use crate::util::sanitize::sanitize;

/// Writes the whole report. `way` is the simulated connection's way through the listeners
/// when `explain` followed it (no `--port`, or a `--port` listener that hands off).
/// On a terminal the text is wrapped to its width and the outcome lines are coloured.
pub fn write_explain_text(
    out: &mut dyn Write,
    listeners: &[ExplainedListener],
    assumptions: &[Assumption],
    way: Option<&WayReport>,
    term: Terminal,
) -> Result<(), RenderError> {
    let mut s = String::new();
    if let Some(way) = way {
        s.push_str(&way_header(way));
    }
    // What each listener would list under its warnings (or, simulated, what a real sidecar
    // could not see); a line several listeners share is printed once, at the end.
    let notes: Vec<Vec<String>> = listeners.iter().map(listener_notes).collect();
    let shared = shared_lines(&notes);
    let is_shared = |line: &String| shared.iter().any(|(l, _)| l == line);
    for (n, (l, notes)) in listeners.iter().zip(&notes).enumerate() {
        if n > 0 {
            s.push('\n');
        }
        let e = &l.explanation;
        let chains = e.chains.iter().filter(|c| !c.is_default).count();
        let own: Vec<&String> = notes.iter().filter(|x| !is_shared(x)).collect();
        let moved = notes.len() - own.len();
        s.push_str(&format!(
            "{} ({}), {} filter chain{}{}:\n\n",
            if e.name.is_empty() {
                "Unnamed listener".to_string()
            } else {
                format!("Listener {}", code(&e.name))
            },
            place(l),
            chains,
            if chains == 1 { "" } else { "s" },
            if e.uses_matcher {
                ", selected by a filter_chain_matcher"
            } else {
                ""
            },
        ));
        match &l.simulation {
            None => {
                for c in &e.chains {
                    s.push_str(&chain_paragraph(c));
                    s.push_str("\n\n");
                }
                if own.is_empty() && moved == 0 {
                    s.push_str("Warnings: none\n");
                } else {
                    s.push_str("Warnings:\n");
                    for w in &own {
                        s.push_str(&format!("- {w}\n"));
                    }
                    s.push_str(&shared_pointer(moved));
                }
            }
            Some(sim) => simulation_text(&mut s, l, sim, assumptions, (&own, moved), term.color),
        }
    }
    let title = if listeners.iter().any(|l| l.simulation.is_some()) {
        "A real sidecar could not see, on several listeners:"
    } else {
        "Warnings on several listeners:"
    };
    s.push_str(&shared_block(title, &shared, listeners));
    if let Some(width) = term.width {
        s = wrap_text(&s, width);
    }
    out.write_all(s.as_bytes())?;
    Ok(())
}

/// The listener's warnings in words, or for a simulation the inputs a real sidecar could
/// not see.
fn listener_notes(l: &ExplainedListener) -> Vec<String> {
    let e = &l.explanation;
    match &l.simulation {
        None => e
            .warnings
            .iter()
            .map(|w| warning_words(w, &e.chains, e.uses_matcher))
            .collect(),
        Some(sim) => sim
            .unseen
            .iter()
            .map(|u| unseen_words(u, sim.connection.dst_port))
            .collect(),
    }
}

fn shared_pointer(moved: usize) -> String {
    match moved {
        0 => String::new(),
        1 => "- and 1 shared with other listeners, listed at the end\n".to_string(),
        n => format!("- and {n} shared with other listeners, listed at the end\n"),
    }
}

fn simulation_text(
    s: &mut String,
    l: &ExplainedListener,
    sim: &Simulation,
    assumptions: &[Assumption],
    (unseen, moved): (&[&String], usize),
    color: bool,
) {
    // The outcome line: green when a chain takes the connection, yellow for the default
    // chain, red when Envoy closes it.
    let paint = |line: String, c: Color| {
        if color {
            line.color(c).to_string()
        } else {
            line
        }
    };
    let e = &l.explanation;
    // A listener Envoy would not load is simulated only under that warning (DOMAIN.md §3.2).
    let refusals: Vec<String> = e
        .warnings
        .iter()
        .filter(|w| matches!(w, Warning::WouldRefuse(_)))
        .map(|w| warning_words(w, &e.chains, e.uses_matcher))
        .collect();
    if !refusals.is_empty() {
        for r in &refusals {
            s.push_str(&paint(r.clone(), Color::Red));
            s.push('\n');
        }
        s.push_str("What follows is what it would do if Envoy loaded it.\n\n");
    }
    let given: Vec<String> = assumptions
        .iter()
        .filter(|a| !a.defaulted)
        .map(|a| format!("{} {}", a.flag, sanitize(&a.value)))
        .collect();
    let assumed: Vec<String> = assumptions
        .iter()
        .filter(|a| a.defaulted && a.derived.is_none())
        .map(|a| format!("{} {}", a.flag, sanitize(&a.value)))
        .collect();
    // Values that follow from other flags get a line of their own, each with its source.
    let derived: Vec<String> = assumptions
        .iter()
        .filter(|a| a.defaulted)
        .filter_map(|a| {
            a.derived.map(|d| {
                format!(
                    "{} {} ({})",
                    a.flag,
                    sanitize(&a.value),
                    derivation_words(d)
                )
            })
        })
        .collect();
    if l.via_internal_host {
        let c = &sim.connection;
        s.push_str(&format!(
            "Connection: the one the cluster's internal host hands over, to {} (see the way above); its other attributes are the original connection's.\n",
            crate::analysis::explain::way::ip_port(c.dst_ip, c.dst_port)
        ));
    } else {
        let given = match (given.is_empty(), &l.request) {
            (true, Some(_)) => "the one --request implies".to_string(),
            _ => given.join(", "),
        };
        s.push_str(&format!("Connection: {given}\n"));
        if !assumed.is_empty() {
            s.push_str(&format!("Assumed (defaults): {}\n", assumed.join(", ")));
        }
        if !derived.is_empty() {
            s.push_str(&format!("Derived: {}\n", derived.join(", ")));
        }
    }
    s.push('\n');
    let default_chain = e.chains.iter().find(|c| c.is_default);
    match (&sim.chosen, default_chain) {
        (Chosen::Chain(i), _) => {
            if let Some(c) = e.chains.get(*i) {
                s.push_str(&paint(
                    format!("Selected: {}.", chain_phrase(c)),
                    Color::Green,
                ));
                s.push('\n');
                if let Some(m) = &sim.matcher {
                    s.push_str(&format!(
                        "The filter_chain_matcher leads there via {}.\n",
                        code(&m.path.join(" -> "))
                    ));
                }
                s.push_str(&format!("\n{}\n", chain_paragraph(c)));
            }
        }
        (Chosen::Default, Some(d)) => {
            s.push_str(&paint(
                format!(
                    "No chain matches: {} takes the connection.",
                    default_chain_phrase(&d.name)
                ),
                Color::Yellow,
            ));
            s.push('\n');
            failure_text(s, sim);
            s.push_str(&format!("\n{}\n", chain_paragraph(d)));
        }
        (Chosen::Unspecified(t), _) => {
            s.push_str(&paint(tie_words(t, &e.chains), Color::Yellow));
            s.push('\n');
            for o in &t.outcomes {
                let chain = match o {
                    Chosen::Chain(i) => e.chains.get(*i),
                    Chosen::Default => default_chain,
                    _ => None,
                };
                if let Some(c) = chain {
                    s.push_str(&format!("\n{}\n", chain_paragraph(c)));
                }
            }
        }
        _ => {
            let headline = match &sim.missing_chain {
                Some(name) => format!(
                    "Connection closed: the matcher's action names missing chain {}",
                    code(name)
                ),
                None => "No chain matches: connection closed".to_string(),
            };
            s.push_str(&paint(format!("{headline} (Envoy counts no_filter_chain_match; the access log shows NR filter_chain_not_found)."), Color::Red));
            s.push('\n');
            failure_text(s, sim);
        }
    }
    if let Some(r) = &l.request {
        s.push_str(&super::request::request_text(r));
    }
    if let Some(m) = &sim.matcher {
        s.push_str(&matcher_rules_text(m));
    }
    let others: Vec<_> = e
        .chains
        .iter()
        .enumerate()
        .filter(|(i, c)| !c.is_default && !sim.chosen.may_be(*i))
        .collect();
    if !others.is_empty() {
        s.push_str("\nNot selected:\n");
        for (i, c) in others {
            let why = match sim.verdicts.iter().find(|v| v.chain == i) {
                Some(v) => format!(
                    "{}: {}",
                    criterion_words(v.criterion),
                    reason_words(v.criterion, &v.reason, &sim.connection)
                ),
                None => {
                    "the filter_chain_matcher does not lead here for this connection".to_string()
                }
            };
            s.push_str(&format!("- {}: {why}\n", chain_label(c)));
        }
    }
    if !unseen.is_empty() || moved > 0 {
        s.push_str("\nA real sidecar could not see:\n");
        for u in unseen {
            s.push_str(&format!("- {u}\n"));
        }
        s.push_str(&shared_pointer(moved));
    }
    if let Some(m) = &sim.matcher
        && !m.unsupported.is_empty()
    {
        let names: Vec<String> = m.unsupported.iter().map(|n| code(n)).collect();
        s.push_str(&format!(
            "\nNot simulated (treated as no data): {}\n",
            names.join(", ")
        ));
    }
    // The chain warnings belong to the listing without a connection; that what is
    // simulated is not what Envoy was last sent belongs to both.
    let refused: Vec<&Warning> = e
        .warnings
        .iter()
        .filter(|w| matches!(w, Warning::RefusedUpdate(_)))
        .collect();
    if !refused.is_empty() {
        s.push_str("\nWarnings:\n");
        for w in refused {
            s.push_str(&format!(
                "- {}\n",
                warning_words(w, &e.chains, e.uses_matcher)
            ));
        }
    }
}

/// Why selection failed: where the candidates ran out, and that Envoy does not backtrack.
pub fn failure_words(sim: &Simulation) -> Option<String> {
    if let Some(name) = &sim.missing_chain {
        return Some(format!(
            "The filter_chain_matcher names chain {}, which the listener does not have; Envoy then closes the connection and does not use the default chain.",
            code(name)
        ));
    }
    if sim.matcher.is_some() {
        return Some("The filter_chain_matcher does not match this connection.".to_string());
    }
    let c = sim.failed_at?;
    let value = crate::analysis::explain::chain_select::got(c, &sim.connection);
    let value = if value.is_empty() {
        "none".to_string()
    } else {
        sanitize(&value).into_owned()
    };
    let mut s = if sim.left_when_failed == 1 {
        format!(
            "At {}, the only chain still in the running does not accept {value}",
            criterion_words(c)
        )
    } else {
        format!(
            "At {}, none of the {} chains still in the running accepts {value}",
            criterion_words(c),
            sim.left_when_failed
        )
    };
    let earlier: Vec<&str> = {
        let mut v: Vec<_> = sim
            .verdicts
            .iter()
            .filter(|v| v.criterion < c)
            .map(|v| v.criterion)
            .collect();
        v.sort();
        v.dedup();
        v.into_iter().map(criterion_words).collect()
    };
    let ruled_out = sim.verdicts.iter().filter(|v| v.criterion < c).count();
    if ruled_out > 0 {
        s.push_str(&format!(
            "; Envoy does not backtrack to the {ruled_out} chain{} ruled out earlier (at {})",
            if ruled_out == 1 { "" } else { "s" },
            earlier.join(", ")
        ));
    }
    s.push('.');
    Some(s)
}

fn failure_text(s: &mut String, sim: &Simulation) {
    if let Some(w) = failure_words(sim) {
        s.push_str(&w);
        s.push('\n');
    }
}
