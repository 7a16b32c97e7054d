//! `explain` past the chain that takes a connection: reads the clusters, the endpoints and
//! the internal listeners the connection goes on to from the dump, and hands them to
//! `analysis::explain::upstream`; the internal listeners it reaches are explained as the
//! first listener is.

use std::cell::OnceCell;

use memchr::memmem;

use crate::analysis::explain::chain_select::Connection;
use crate::analysis::explain::matcher_eval::rules::MatcherSemantics;
use crate::analysis::explain::upstream::{Leg, Lookup, UpstreamConfig, onward};
use crate::analysis::explain::{ExplainedListener, Simulation, explain_listener};
use crate::analysis::listener::refused::RefusedUpdate;
use crate::cmd::listener_select;
use crate::envoy::dump::{ClustersSection, EndpointsSection, RoutingSections};
use crate::envoy::endpoint::ClusterLoadAssignment;
use crate::envoy::upstream::ClusterUpstream;
use crate::envoy::{Document, Listener, ListenerEntry, LoadError};
use crate::error::Error;

/// What `explain` reads besides the listeners when it follows a connection.
pub(crate) const FOLLOWS: RoutingSections = RoutingSections {
    clusters: true,
    endpoints: true,
    ..RoutingSections::NONE
};

/// The dump's clusters and endpoints, decoded one at a time as the way needs them.
struct DumpUpstream<'d, 'a> {
    doc: &'d Document<'a>,
    entries: &'d [ListenerEntry<'a>],
    clusters: Option<&'d ClustersSection<'a>>,
    endpoints: Option<&'d EndpointsSection<'a>>,
    /// Decoded the first time a host is an internal address.
    internal: OnceCell<Vec<Listener<'a>>>,
}

/// The entries whose raw text may hold the string `name`: it does, or it has `\u` escapes
/// that could spell it. Only those are decoded; the scan runs on every core with one
/// searcher per pattern, as a big dump has many clusters.
fn may_name<'e, E: Sync>(
    entries: impl Iterator<Item = &'e E>,
    raw: impl Fn(&E) -> &str + Sync,
    name: &str,
) -> Vec<&'e E> {
    let named = memmem::Finder::new(name.as_bytes());
    let escaped = memmem::Finder::new(b"\\u");
    let all: Vec<&'e E> = entries.collect();
    let keep = crate::util::parallel::map_in_order(&all, 256, |e| {
        let text = raw(e).as_bytes();
        named.find(text).is_some() || escaped.find(text).is_some()
    });
    all.into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect()
}

impl<'a> UpstreamConfig<'a> for DumpUpstream<'_, 'a> {
    type Error = LoadError;

    fn cluster(&self, name: &str) -> Result<Lookup<ClusterUpstream<'a>>, LoadError> {
        let Some(section) = self.clusters else {
            return Ok(Lookup::NoSection);
        };
        // Envoy sends connections to its active clusters (static and dynamic); a warming
        // one takes none until it is warm.
        let active = (section.static_clusters.iter()).chain(&section.dynamic_active_clusters);
        for entry in may_name(active, |e| e.raw.get(), name) {
            let cluster: ClusterUpstream<'a> = self.doc.decode(entry.raw, &entry.json_path())?;
            if cluster.name == name {
                return Ok(Lookup::Found(cluster));
            }
        }
        let warming = section.dynamic_warming_clusters.iter();
        for entry in may_name(warming, |e| e.raw.get(), name) {
            let cluster: ClusterUpstream<'a> = self.doc.decode(entry.raw, &entry.json_path())?;
            if cluster.name == name {
                return Ok(Lookup::Warming);
            }
        }
        Ok(Lookup::NotInDump)
    }

    fn load_assignment(
        &self,
        service: &str,
    ) -> Result<Lookup<ClusterLoadAssignment<'a>>, LoadError> {
        let Some(section) = self.endpoints else {
            return Ok(Lookup::NoSection);
        };
        let all = (section.dynamic_endpoint_configs.iter()).chain(&section.static_endpoint_configs);
        for entry in may_name(all, |e| e.raw.get(), service) {
            let cla: ClusterLoadAssignment<'a> = self.doc.decode(entry.raw, &entry.json_path())?;
            if cla.cluster_name == service {
                return Ok(Lookup::Found(cla));
            }
        }
        Ok(Lookup::NotInDump)
    }

    fn internal_listeners(&self) -> Result<&[Listener<'a>], LoadError> {
        if let Some(done) = self.internal.get() {
            return Ok(done);
        }
        let decoded = listener_select::internal_listeners(self.doc, self.entries)?;
        let listeners = decoded.into_iter().map(|s| s.listener).collect();
        Ok(self.internal.get_or_init(|| listeners))
    }
}

/// The connection's way on from `simulation` of `listener` (DOMAIN.md §3.1): the legs, and
/// each internal listener it reaches, explained with its own chain selection.
#[allow(clippy::too_many_arguments)]
pub(crate) fn follow<'a>(
    doc: &Document<'a>,
    entries: &[ListenerEntry<'a>],
    (clusters, endpoints): (Option<&ClustersSection<'a>>, Option<&EndpointsSection<'a>>),
    listener: &Listener<'a>,
    simulation: &Simulation,
    conn: &Connection,
    restored: bool,
    semantics: &MatcherSemantics,
    refused: &[RefusedUpdate],
) -> Result<(Vec<Leg>, Vec<ExplainedListener>), Error> {
    let config = DumpUpstream {
        doc,
        entries,
        clusters,
        endpoints,
        internal: OnceCell::new(),
    };
    let legs = onward(
        listener,
        &simulation.chosen,
        conn,
        restored,
        &config,
        semantics,
    )?;
    // Internal listeners are reached only after a lookup that decoded them.
    let internal = config.internal.get().map_or(&[][..], |v| v.as_slice());
    let explained = legs
        .iter()
        .filter_map(|leg| match leg {
            Leg::Internal(i) => i.state.as_ref(),
            _ => None,
        })
        .filter_map(|reached| Some((reached, internal.get(reached.listener)?)))
        .map(|(reached, listener)| ExplainedListener {
            explanation: explain_listener(listener, refused),
            simulation: Some(reached.simulation.clone()),
            via_internal_host: true,
            request: None,
        })
        .collect();
    Ok((legs, explained))
}
