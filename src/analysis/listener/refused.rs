//! Listener updates Envoy refused (DOMAIN.md §1.2, §3.2): Envoy's own record of an LDS
//! update it did not apply (`error_state`), as data every command that reads listeners
//! shows: `pc listener` (a warning, and the refused listener's rows in `-o wide`),
//! `explain` and `wasm count` (a warning: what they read is the version that runs), and
//! `lint --dump` (a finding).

use serde::Serialize;

use crate::analysis::listener::rows::{ListenerQuery, SelectedListener};
use crate::envoy::dump::ListenersSection;

/// One listener update Envoy refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedUpdate {
    /// The listener's name (the dynamic listener's, else the refused configuration's);
    /// empty when neither says.
    pub listener: String,
    /// Envoy's reason, verbatim (e.g. `error adding listener '0.0.0.0:8080': filter chain
    /// 'b' has the same matching rules defined as 'a'. …`).
    pub details: String,
    /// When Envoy last tried the update (RFC 3339); empty when the dump does not say.
    pub last_update_attempt: String,
    /// Whether an earlier version of the listener is active: then that version is what
    /// runs; otherwise nothing of the listener runs.
    pub has_active_version: bool,
}

/// Every refused update of the section, in dump order.
pub fn refused_updates<L>(section: &ListenersSection<'_, L>) -> Vec<RefusedUpdate> {
    section
        .errors
        .iter()
        .map(|e| RefusedUpdate {
            listener: e.listener_name(),
            details: e.details.to_string(),
            last_update_attempt: e.last_update_attempt.to_string(),
            has_active_version: e.has_active_state,
        })
        .collect()
}

/// The refused update of the listener named `name`, if Envoy refused one.
pub fn refused_update_of<'r>(
    refused: &'r [RefusedUpdate],
    name: &str,
) -> Option<&'r RefusedUpdate> {
    refused.iter().find(|r| r.listener == name)
}

/// Whether a `pc listener` query concerns a refused update: its refused configuration
/// passes `--port`/`--address`/`--type`. Without a decoded configuration (the dump left it
/// out, or it does not decode) where it would bind is unknown: then it concerns the query
/// when the query narrows nothing, or when a listener of its name is selected.
pub fn concerns_query(
    query: &ListenerQuery,
    update: &RefusedUpdate,
    refused_configuration: Option<&SelectedListener<'_>>,
    selected: &[SelectedListener<'_>],
) -> bool {
    match refused_configuration {
        Some(l) => query.accepts(l),
        None => {
            let narrows =
                query.port != 0 || query.address.is_some() || query.listener_type.is_some();
            !narrows
                || selected
                    .iter()
                    .any(|s| s.listener.name == update.listener.as_str())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::listener::rows::TypeFilter;
    use crate::envoy::{Document, ListenerState, Sections};

    /// A dump in Envoy's shape (envoy/admin/v3/config_dump_shared.proto
    /// `ListenersConfigDump.DynamicListener.error_state`, an `UpdateFailureState`): `a` has
    /// an active version and a refused update; `b` only a refused update, without its
    /// configuration, and no name (Envoy dumps such errors too).
    const DUMP: &str = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
      "dynamic_listeners":[
        {"name":"a","active_state":{"listener":{"name":"a"}},
         "error_state":{"failed_configuration":{"@type":"type.googleapis.com/envoy.config.listener.v3.Listener","name":"a",
            "address":{"socket_address":{"address":"0.0.0.0","port_value":8080}}},
          "last_update_attempt":"2026-05-18T08:41:07.707Z","details":"boom"}},
        {"errorState":{"details":"no name","failedConfiguration":{"name":"b2"}}},
        {"errorState":{"details":"nothing"}}]}]}"#;

    #[test]
    fn reads_every_refused_update_with_its_listener() {
        let doc = Document::new("d.json", DUMP.as_bytes());
        let section = doc
            .load(Sections {
                listeners: true,
                ..Sections::default()
            })
            .unwrap()
            .listeners
            .unwrap();
        let refused = refused_updates(&section);
        assert_eq!(
            refused,
            [
                RefusedUpdate {
                    listener: "a".into(),
                    details: "boom".into(),
                    last_update_attempt: "2026-05-18T08:41:07.707Z".into(),
                    has_active_version: true,
                },
                RefusedUpdate {
                    listener: "b2".into(),
                    details: "no name".into(),
                    last_update_attempt: String::new(),
                    has_active_version: false,
                },
                RefusedUpdate {
                    listener: String::new(),
                    details: "nothing".into(),
                    last_update_attempt: String::new(),
                    has_active_version: false,
                },
            ]
        );
        assert_eq!(refused_update_of(&refused, "a"), Some(&refused[0]));
        assert_eq!(refused_update_of(&refused, "z"), None);
        // The refused listener decodes as any other, with its own path in errors.
        let entry = section.errors[0].failed_configuration.as_ref().unwrap();
        assert_eq!(entry.state, ListenerState::Error);
        assert_eq!(
            entry.json_path(),
            "configs[0].dynamic_listeners[0].error_state.failed_configuration"
        );
        assert_eq!(
            section.errors[1].json_path(),
            "configs[0].dynamic_listeners[1].error_state"
        );
        let listener = doc.listener(entry).unwrap();
        let selected = SelectedListener::new(0, entry.state, listener);
        let port = |port| ListenerQuery {
            port,
            ..ListenerQuery::default()
        };
        assert!(concerns_query(
            &port(8080),
            &refused[0],
            Some(&selected),
            &[]
        ));
        assert!(!concerns_query(
            &port(9090),
            &refused[0],
            Some(&selected),
            &[]
        ));
        let http = ListenerQuery {
            listener_type: Some(TypeFilter::from_flag("http")),
            ..ListenerQuery::default()
        };
        assert!(!concerns_query(&http, &refused[0], Some(&selected), &[]));
        // Where a listener without its configuration binds is unknown.
        assert!(concerns_query(
            &ListenerQuery::default(),
            &refused[2],
            None,
            &[]
        ));
        assert!(!concerns_query(&port(8080), &refused[2], None, &[]));
        let named = SelectedListener::new(
            0,
            ListenerState::Active,
            doc.listener(&section.entries[0]).unwrap(),
        );
        assert!(concerns_query(&port(8080), &refused[0], None, &[named]));
    }
}
