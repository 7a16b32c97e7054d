//! The fake admin's `/logging`, answering as Envoy's `LogsHandler::handlerLogging`
//! (source/server/admin/logs_handler.cc): POST only (Envoy's admin refuses a GET of a
//! path that changes state with 405), no parameter lists the loggers, `level=L` sets
//! every logger, `NAME=L` one (`changeLogLevel`); a bad level, an unknown logger or more
//! than one parameter is a 400 whose body is Envoy's error and usage text, then the list
//! (`changeLogLevelsForComponentLoggers`, `parseLogLevel`). State is kept per server.

use std::sync::Mutex;

/// spdlog's level names, in Envoy's order (`spdlog::level::level_string_views`).
const LEVELS: [&str; 7] = [
    "trace", "debug", "info", "warning", "error", "critical", "off",
];

/// A few of Envoy's component loggers, in the registry's order (source/common/common/
/// logger.h `ALL_LOGGER_IDS`), at the sidecar's default level.
const LOGGERS: [&str; 16] = [
    "admin",
    "client",
    "config",
    "connection",
    "conn_handler",
    "filter",
    "grpc",
    "http",
    "http2",
    "jwt",
    "main",
    "misc",
    "rbac",
    "router",
    "upstream",
    "wasm",
];

/// The loggers of one fake proxy and their levels, in registry order.
pub struct Loggers(Mutex<Vec<(String, String)>>);

impl Default for Loggers {
    fn default() -> Self {
        Loggers(Mutex::new(
            LOGGERS
                .iter()
                .map(|n| (n.to_string(), "warning".to_string()))
                .collect(),
        ))
    }
}

impl Loggers {
    /// The loggers and their levels now.
    pub fn levels(&self) -> Vec<(String, String)> {
        self.0.lock().unwrap().clone()
    }

    /// Envoy's answer to `method /logging?query`: status and body.
    pub fn handle(&self, method: &str, query: &str) -> (u16, String) {
        if method != "POST" {
            return (405, format!("Method {method} not allowed, POST required."));
        }
        let (status, mut body) = match self.change(query) {
            Ok(()) => (200, String::new()),
            Err(message) => (400, usage(message)),
        };
        body.push_str("active loggers:\n");
        for (name, level) in self.0.lock().unwrap().iter() {
            body.push_str(&format!("  {name}: {level}\n"));
        }
        body.push('\n');
        (status, body)
    }

    /// `LogsHandler::changeLogLevel`: parameters with an empty value do not count.
    fn change(&self, query: &str) -> Result<(), &'static str> {
        let active: Vec<(&str, &str)> = query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let [(key, value)] = active.as_slice() else {
            return if active.is_empty() {
                Ok(())
            } else {
                Err("invalid number of parameters")
            };
        };
        if !LEVELS.contains(value) {
            return Err("unknown logger level");
        }
        let mut loggers = self.0.lock().unwrap();
        if *key == "level" {
            loggers.iter_mut().for_each(|(_, l)| *l = value.to_string());
            return Ok(());
        }
        match loggers.iter_mut().find(|(n, _)| n == key) {
            Some((_, level)) => {
                *level = value.to_string();
                Ok(())
            }
            None => Err("unknown logger name"),
        }
    }
}

/// The error and usage text `handlerLogging` puts before the list on a refused change.
fn usage(message: &str) -> String {
    let mut text = format!("error: {message}\n\n");
    text.push_str("usage: /logging?<name>=<level> (change single level)\n");
    text.push_str("usage: /logging?paths=name1:level1,name2:level2,... (change multiple levels)\n");
    text.push_str("usage: /logging?level=<level> (change all levels)\n");
    text.push_str("usage: /logging?group=<group_name>:<level> (change group of loggers)\n");
    text.push_str("levels: ");
    for level in LEVELS {
        text.push_str(&format!("{level} "));
    }
    text.push('\n');
    text
}
