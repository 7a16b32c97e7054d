//! A fake Envoy admin endpoint on 127.0.0.1: serves one fixture body at `/config_dump`
//! (any query), records every request target, and can misbehave on purpose ([`Fault`]).
//! Reach it directly (`--admin URL`) or through the test API server's port-forward
//! (`FakePod::admin`); one server can stand behind any number of pods.
//!
//! ```ignore
//! let admin = AdminServer::start(dump_bytes, Fault::None);
//! Test::new(["pc", "listener", "--admin", &admin.url()]).ok();
//! assert_eq!(admin.requests(), ["/config_dump?mask=dynamic_listeners,static_listeners"]);
//!
//! // A pod whose proxy sends half the dump, then nothing: only --timeout ends the fetch.
//! let stalls = AdminServer::start(dump_bytes, Fault::Stall);
//! ```
//!
//! Faults, and what the client sees:
//!
//! | fault | behaviour | meshscope reports |
//! |---|---|---|
//! | `None` | 200, whole body | the dump |
//! | `Status(code)` | `code` with a short text body | `GET …: HTTP code …` |
//! | `Delay(d)` | latency: waits `d`, then answers in full | the dump, or a timeout when `d` > `--timeout` |
//! | `Truncate` | declares the whole length, sends half, closes | `reading the config dump failed: …` |
//! | `Stall` | declares the whole length, sends half, then nothing, connection kept open | a timeout (`no complete config dump within …`) |
//! | `Reset` | declares the whole length, sends half, resets the connection (RST) | `reading the config dump failed: …` |
//! | `CutDump` | a complete HTTP answer whose body is the first half of the dump | the dump's parse error (`LABEL:LINE:COL: …`) |
//!
//! Like Envoy, it honours `mask=f1,f2` (each config keeps its `@type` and those top-level
//! fields) and leaves `EndpointsConfigDump` out unless `include_eds` is given; a query that
//! changes nothing gets the fixture's bytes as they are. Each distinct body is made once.
//!
//! `/logging` answers as Envoy does, keeping each logger's level per server
//! (`admin_logging.rs`); only `Fault::Status` and `Fault::Delay` apply to it.
//!
//! It speaks just enough HTTP/1.1 by hand (one request per connection, `Connection:
//! close`) so that faults like a body cut short are exact.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::admin_logging::Loggers;
use super::runtime;

/// How the fake admin endpoint misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answers 200 with the whole body.
    None,
    /// Answers with this status and a short text body.
    Status(u16),
    /// Latency: waits this long before answering in full (for `--timeout`, and benchmarks).
    Delay(Duration),
    /// Promises the whole body, sends half, and closes.
    Truncate,
    /// Promises the whole body, sends half, then stalls with the connection open until the
    /// client gives up.
    Stall,
    /// Promises the whole body, sends half, then resets the connection.
    Reset,
    /// Answers 200 with only the first half of the body, as a complete HTTP message.
    CutDump,
}

/// A running fake admin endpoint; it lives as long as the test runtime.
pub struct AdminServer {
    /// Where it listens.
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    calls: Arc<Mutex<Vec<String>>>,
    loggers: Arc<Loggers>,
}

/// The fixture and the bodies already made from it, per query.
struct Bodies {
    full: Arc<Vec<u8>>,
    made: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

impl Bodies {
    /// The body `/config_dump?query` answers with.
    fn for_query(&self, query: &str) -> Arc<Vec<u8>> {
        let mut made = self.made.lock().unwrap();
        made.entry(query.to_string())
            .or_insert_with(|| {
                filtered(&self.full, query).map_or_else(|| self.full.clone(), Arc::new)
            })
            .clone()
    }
}

/// Envoy's `mask` and `include_eds` applied to a dump; `None` when nothing changes (or the
/// fixture is not a JSON dump, e.g. a deliberately broken one).
fn filtered(full: &[u8], query: &str) -> Option<Vec<u8>> {
    let params: Vec<(&str, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    let mask: Option<Vec<&str>> = params
        .iter()
        .find(|(k, _)| *k == "mask")
        .map(|(_, v)| v.split(',').collect());
    let include_eds = params.iter().any(|(k, _)| *k == "include_eds");
    let mut dump: serde_json::Value = serde_json::from_slice(full).ok()?;
    let configs = dump.get_mut("configs")?.as_array_mut()?;
    let before = configs.clone();
    configs.retain(|c| {
        include_eds
            || !c["@type"]
                .as_str()
                .is_some_and(|t| t.ends_with("EndpointsConfigDump"))
    });
    if let Some(mask) = &mask {
        for config in configs.iter_mut() {
            if let Some(fields) = config.as_object_mut() {
                fields.retain(|k, _| k == "@type" || mask.contains(&k.as_str()));
            }
        }
    }
    (*configs != before).then(|| serde_json::to_vec_pretty(&dump).unwrap())
}

/// What Envoy's `/clusters?format=json` answers for the proxy the fixture dumps: one
/// cluster status per load assignment of its endpoints section, each endpoint a host with
/// its EDS health (snake_case, as Envoy writes it).
pub fn clusters_json(full: &[u8]) -> Vec<u8> {
    let dump: serde_json::Value = serde_json::from_slice(full).unwrap_or_default();
    let mut statuses = Vec::new();
    let configs = dump["configs"].as_array().cloned().unwrap_or_default();
    for section in configs.iter().filter(|c| {
        c["@type"]
            .as_str()
            .is_some_and(|t| t.ends_with("EndpointsConfigDump"))
    }) {
        for list in ["dynamic_endpoint_configs", "static_endpoint_configs"] {
            for entry in section[list].as_array().into_iter().flatten() {
                let cla = &entry["endpoint_config"];
                let hosts: Vec<serde_json::Value> = cla["endpoints"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|l| l["lb_endpoints"].as_array().cloned().unwrap_or_default())
                    .map(|ep| {
                        serde_json::json!({
                            "address": ep["endpoint"]["address"],
                            "health_status": {"eds_health_status": ep["health_status"]},
                            "weight": 1
                        })
                    })
                    .collect();
                statuses.push(serde_json::json!({
                    "name": cla["cluster_name"],
                    "added_via_api": list.starts_with("dynamic"),
                    "host_statuses": hosts
                }));
            }
        }
    }
    serde_json::to_vec_pretty(&serde_json::json!({"cluster_statuses": statuses})).unwrap()
}

impl AdminServer {
    /// Starts serving `body` with `fault` on an ephemeral port.
    pub fn start(body: Vec<u8>, fault: Fault) -> AdminServer {
        let listener = runtime()
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let calls = Arc::new(Mutex::new(Vec::new()));
        let loggers = Arc::new(Loggers::default());
        let state = Arc::new(State {
            seen,
            calls: calls.clone(),
            loggers: loggers.clone(),
        });
        let bodies = Arc::new(Bodies {
            full: Arc::new(body),
            made: Mutex::new(HashMap::new()),
        });
        runtime().spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                let (bodies, state) = (bodies.clone(), state.clone());
                tokio::spawn(async move { serve(conn, &bodies, fault, &state).await });
            }
        });
        AdminServer {
            addr,
            requests,
            calls,
            loggers,
        }
    }

    /// Every request seen so far as `METHOD target` (`POST /logging?http=debug`).
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    /// The fake proxy's loggers and their levels now, in registry order.
    pub fn log_levels(&self) -> Vec<(String, String)> {
        self.loggers.levels()
    }

    /// The base URL to pass to `--admin`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request target seen so far (`/config_dump?…`).
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// What every connection of one server shares.
struct State {
    seen: Arc<Mutex<Vec<String>>>,
    calls: Arc<Mutex<Vec<String>>>,
    loggers: Arc<Loggers>,
}

async fn serve(mut conn: TcpStream, bodies: &Bodies, fault: Fault, state: &State) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 65536 {
            return;
        }
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let method = head.split(' ').next().unwrap_or("").to_string();
    let target = head.split(' ').nth(1).unwrap_or("").to_string();
    state.seen.lock().unwrap().push(target.clone());
    state
        .calls
        .lock()
        .unwrap()
        .push(format!("{method} {target}"));
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    if path == "/logging" {
        let (status, text) = match fault {
            Fault::Status(code) => (code, "admin says no\n".to_string()),
            Fault::Delay(d) => {
                tokio::time::sleep(d).await;
                state.loggers.handle(&method, query)
            }
            _ => state.loggers.handle(&method, query),
        };
        let reply = format!(
            "HTTP/1.1 {status} {}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
            reason(status),
            text.len()
        );
        let _ = conn.write_all(reply.as_bytes()).await;
        let _ = conn.shutdown().await;
        return;
    }
    let body = if path == "/clusters" {
        Arc::new(clusters_json(&bodies.full))
    } else {
        bodies.for_query(query)
    };
    let body = body.as_slice();
    let (status, payload, declared) = match fault {
        _ if path != "/config_dump" && path != "/clusters" => {
            (404, b"invalid path\n".as_slice(), None)
        }
        Fault::Status(code) => (code, b"admin says no\n".as_slice(), None),
        Fault::Delay(d) => {
            tokio::time::sleep(d).await;
            (200, body, None)
        }
        Fault::Truncate | Fault::Stall | Fault::Reset => {
            (200, &body[..body.len() / 2], Some(body.len()))
        }
        Fault::CutDump => (200, &body[..body.len() / 2], None),
        Fault::None => (200, body, None),
    };
    let reply = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        reason(status),
        declared.unwrap_or(payload.len())
    );
    let _ = conn.write_all(reply.as_bytes()).await;
    let _ = conn.write_all(payload).await;
    let _ = conn.flush().await;
    match fault {
        Fault::Stall => {
            // Hold the connection until the client closes it (its timeout), sending nothing.
            while let Ok(n) = conn.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
        }
        Fault::Reset => {
            // SO_LINGER 0: closing sends RST instead of FIN.
            let _ = conn.set_zero_linger();
            drop(conn);
        }
        _ => {
            let _ = conn.shutdown().await;
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Error",
    }
}
