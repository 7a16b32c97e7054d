//! Fetching one dump, whatever its source: a file (or stdin), an admin URL, a pod. `cmd/`
//! resolves flags to a [`DumpSource`] and calls [`read`]; it never sees how the bytes came.
//! [`DumpMask`] is the one place that decides what a live fetch asks Envoy for.

use super::{AdminUrl, Error, InputBytes};
use crate::envoy::Sections;
use crate::envoy::dump::RoutingSections;

/// A resolved dump source (CLI.md "Where configuration comes from").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DumpSource {
    /// A file path, or `-` for stdin.
    File(std::path::PathBuf),
    /// An Envoy admin base URL, the path (`/config_dump`, `/clusters`) and its query, and
    /// the fetch's time bound.
    Admin {
        url: String,
        path: &'static str,
        query: String,
        timeout: std::time::Duration,
    },
    /// A pod reference (`name[.namespace]`, `pod/…`, `deploy/…`) and how to reach it.
    Pod(super::kube::PodFetch),
}

/// The raw input of one dump, with the label errors show.
pub struct RawInput {
    /// How errors and reports name the dump (path, URL or pod).
    pub label: String,
    /// The dump's bytes, as read.
    pub bytes: InputBytes,
}

/// What a live fetch asks `/config_dump` for, chosen by what the command reads (DOMAIN.md):
/// Envoy applies the mask to every config of the dump, so clusters, routes and secrets,
/// most of a big dump, stay on the proxy.
#[derive(Debug, Clone, Copy)]
pub enum DumpMask {
    /// Only the sections the command loads (the whole dump when it names none).
    Sections(Sections),
    /// The whole dump with endpoints, as istioctl's `pc ecds` asks for it.
    WithEndpoints,
    /// Only the clusters and routes sections named, with istioctl's field lists
    /// (proxyconfig.go `clusterPath`, `routePath`).
    Routing(RoutingSections),
    /// Not the dump: Envoy's `/clusters?format=json` (each cluster's hosts with their
    /// health), which istioctl's live `pc endpoint` reads (`setupPodClustersWriter`).
    EnvoyClusters,
}

impl DumpMask {
    /// The admin path the mask is asked of.
    pub fn path(self) -> &'static str {
        match self {
            DumpMask::EnvoyClusters => "/clusters",
            _ => "/config_dump",
        }
    }

    /// The query string of [`DumpMask::path`] (empty for the whole dump).
    pub fn query(self) -> String {
        let mut names = Vec::new();
        let sections = match self {
            DumpMask::EnvoyClusters => return "?format=json".to_string(),
            DumpMask::WithEndpoints => return "?include_eds=true".to_string(),
            DumpMask::Sections(s) => s,
            DumpMask::Routing(r) => {
                if r.clusters {
                    names.extend([
                        "dynamic_active_clusters",
                        "dynamic_warming_clusters",
                        "static_clusters",
                    ]);
                }
                if r.routes {
                    names.extend(["dynamic_route_configs", "static_route_configs"]);
                }
                // proxyconfig.go `secretPath`, `bootstrapPath`. Endpoints are dumped only
                // with `?include_eds`, which takes no mask: a command reading them asks
                // for [`DumpMask::WithEndpoints`], as istioctl's `edsPath`.
                if r.secrets {
                    names.extend(["dynamic_active_secrets", "dynamic_warming_secrets"]);
                }
                if r.bootstrap {
                    names.push("bootstrap");
                }
                Sections::default()
            }
        };
        if sections.bootstrap {
            names.push("bootstrap");
        }
        if sections.listeners {
            names.extend(["dynamic_listeners", "static_listeners"]);
        }
        if sections.ecds {
            names.push("ecds_filters");
        }
        if names.is_empty() {
            String::new()
        } else {
            format!("?mask={}", names.join(","))
        }
    }
}

/// How errors name a source before it is read: the path, URL or POD argument as given.
pub fn label(source: &DumpSource) -> String {
    match source {
        DumpSource::File(path) => path.display().to_string(),
        DumpSource::Admin { url, .. } => url.clone(),
        DumpSource::Pod(fetch) => fetch.reference.clone(),
    }
}

/// Fetches the bytes of a dump source.
pub fn read(source: &DumpSource) -> Result<RawInput, Error> {
    match source {
        DumpSource::File(path) => {
            let (label, bytes) = super::read_dump(path)?;
            Ok(RawInput { label, bytes })
        }
        DumpSource::Admin {
            url,
            path,
            query,
            timeout,
        } => {
            let url = AdminUrl::parse(url)?;
            let bytes = super::block_on(super::admin::fetch_url(&url, path, query, *timeout))??;
            Ok(RawInput {
                label: url.label,
                bytes: bytes.into(),
            })
        }
        DumpSource::Pod(fetch) => {
            let (label, bytes) = super::block_on(super::kube::fetch_pod(fetch))??;
            Ok(RawInput {
                label,
                bytes: bytes.into(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_name_the_sections_read() {
        let listeners = Sections {
            listeners: true,
            ..Sections::default()
        };
        let all = Sections {
            listeners: true,
            ecds: true,
            bootstrap: true,
        };
        let cases = [
            (
                DumpMask::Sections(listeners),
                "?mask=dynamic_listeners,static_listeners",
            ),
            (
                DumpMask::Sections(all),
                "?mask=bootstrap,dynamic_listeners,static_listeners,ecds_filters",
            ),
            (DumpMask::Sections(Sections::default()), ""),
            (DumpMask::WithEndpoints, "?include_eds=true"),
            (
                DumpMask::Routing(RoutingSections {
                    clusters: true,
                    routes: false,
                    ..RoutingSections::NONE
                }),
                "?mask=dynamic_active_clusters,dynamic_warming_clusters,static_clusters",
            ),
            (
                DumpMask::Routing(RoutingSections {
                    clusters: false,
                    routes: true,
                    ..RoutingSections::NONE
                }),
                "?mask=dynamic_route_configs,static_route_configs",
            ),
            (
                DumpMask::Routing(RoutingSections {
                    secrets: true,
                    ..RoutingSections::NONE
                }),
                "?mask=dynamic_active_secrets,dynamic_warming_secrets",
            ),
            (
                DumpMask::Routing(RoutingSections {
                    bootstrap: true,
                    ..RoutingSections::NONE
                }),
                "?mask=bootstrap",
            ),
        ];
        for (mask, want) in cases {
            assert_eq!(mask.query(), want);
            assert_eq!(mask.path(), "/config_dump");
        }
        // istioctl's live `pc endpoint` (proxyconfig.go `setupPodClustersWriter`).
        let clusters = DumpMask::EnvoyClusters;
        assert_eq!(
            (clusters.path(), clusters.query().as_str()),
            ("/clusters", "?format=json")
        );
    }
}
