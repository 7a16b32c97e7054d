//! `pc log`: Envoy's log levels as istioctl reads and sets them. Pure: it parses the
//! `--level` flag against the loggers a proxy's `/logging` answer lists, and says which
//! admin calls make the change, in which order; `source/` sends them, `render/` prints
//! the answers. Follows istioctl 1.30 `istioctl/pkg/proxyconfig/proxyconfig.go` `logCmd`
//! and Envoy's `LogsHandler::handlerLogging` (source/server/admin/logs_handler.cc).

use std::collections::BTreeMap;

/// An Envoy (spdlog) log level, as istioctl names them (`levelToString`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// `trace`.
    Trace,
    /// `debug`.
    Debug,
    /// `info`.
    Info,
    /// `warning` (also read as `warn`).
    Warning,
    /// `error`.
    Error,
    /// `critical`.
    Critical,
    /// `off`.
    Off,
}

impl LogLevel {
    /// The levels istioctl lists in `--level`'s help, in that order.
    pub const ALL: [LogLevel; 7] = [
        LogLevel::Trace,
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Warning,
        LogLevel::Error,
        LogLevel::Critical,
        LogLevel::Off,
    ];

    /// istioctl's `stringToLevel`: the seven names, plus `warn` for `warning`. Case matters,
    /// as in istioctl's map lookup.
    pub fn parse(text: &str) -> Option<LogLevel> {
        match text {
            "warn" => Some(LogLevel::Warning),
            _ => LogLevel::ALL.into_iter().find(|l| l.as_str() == text),
        }
    }

    /// istioctl's `levelToString`, which is also the name Envoy's admin takes.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Trace => "trace",
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warning => "warning",
            LogLevel::Error => "error",
            LogLevel::Critical => "critical",
            LogLevel::Off => "off",
        }
    }
}

/// istioctl's `defaultEnvoyOutputLevel`: what `--reset` sets when the cluster's
/// istio-sidecar-injector values name no proxy log level.
pub const DEFAULT_LEVEL: LogLevel = LogLevel::Warning;

/// istioctl's `defaultLoggerName`: the key that stands for every logger, which is also
/// Envoy's `/logging?level=` parameter.
pub const ALL_LOGGERS: &str = "level";

/// Why a `--level` value, or a proxy's answer, was refused: istioctl's messages for the
/// flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    /// A level not in istioctl's `stringToLevel`.
    #[error("unrecognized logging level: {0}")]
    Level(String),
    /// A logger name the proxy's `/logging` answer does not contain.
    #[error("unrecognized logger name: {0}")]
    Logger(String),
    /// An answer to `POST /logging` without Envoy's `active loggers:` list.
    #[error(
        "{0}: the answer to POST /logging lists no active loggers (is this Envoy's admin port?)"
    )]
    NotLoggingAnswer(String),
}

/// The levels to set (istioctl's `destLoggerLevels`): one for every logger, then one per
/// named logger. Empty means read only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LevelChanges {
    /// `level=…`: every logger.
    pub all: Option<LogLevel>,
    /// `<logger>=…`, by name.
    pub loggers: BTreeMap<String, LogLevel>,
}

impl LevelChanges {
    /// What `--reset` sets: the every-logger level only. istioctl 1.30 resets no logger
    /// one by one; `level` is the injector's `global.proxy.logLevel` when the cluster
    /// says it (`getLogLevelFromConfigMap`), else [`DEFAULT_LEVEL`].
    pub fn reset(level: LogLevel) -> LevelChanges {
        LevelChanges {
            all: Some(level),
            loggers: BTreeMap::new(),
        }
    }

    /// The admin calls that make the change, as the query after `/logging`, in
    /// istioctl's order: every logger first, then each named logger. istioctl walks the
    /// named ones in Go map order (random); here in byte order of the names, one of the
    /// orders istioctl can take. No change is one read (`POST /logging`).
    pub fn queries(&self) -> Vec<String> {
        if self.all.is_none() && self.loggers.is_empty() {
            return vec![String::new()];
        }
        self.all
            .iter()
            .map(|l| format!("{ALL_LOGGERS}={}", l.as_str()))
            .chain(
                self.loggers
                    .iter()
                    .map(|(name, l)| format!("{name}={}", l.as_str())),
            )
            .collect()
    }
}

/// Parses `--level` as istioctl's `logCmd` does. `active` is the text of the proxy's
/// `/logging` answer: istioctl accepts a logger name when that text contains it
/// (`strings.Contains(loggerName, …)`), so a part of a name passes here and Envoy then
/// refuses it.
///
/// Each comma-separated item is `<level>` (every logger: it drops what the items before
/// it set, as istioctl replaces its map), or `[<namespace>::]<logger>(:|=)<level>`.
pub fn parse_levels(flag: &str, active: &str) -> Result<LevelChanges, LogError> {
    let mut changes = LevelChanges::default();
    for item in flag.split(',') {
        if !item.contains([':', '=']) {
            let level = LogLevel::parse(item).ok_or_else(|| LogError::Level(item.into()))?;
            changes = LevelChanges::reset(level);
            continue;
        }
        // istioctl keeps what follows the last `::` (a namespace may precede the logger).
        let logger_and_level = item.rsplit("::").next().unwrap_or(item);
        let (name, level) = match logger_and_level.split_once([':', '=']) {
            Some((name, level)) => (name, level),
            // `x::` leaves nothing to split; istioctl indexes past the end there (a
            // panic). Said as the missing level it is.
            None => (logger_and_level, ""),
        };
        if !active.contains(name) && name != ALL_LOGGERS {
            return Err(LogError::Logger(name.into()));
        }
        let level = LogLevel::parse(level).ok_or_else(|| LogError::Level(level.into()))?;
        if name == ALL_LOGGERS {
            changes.all = Some(level);
        } else {
            changes.loggers.insert(name.to_string(), level);
        }
    }
    Ok(changes)
}

/// One logger of Envoy's `/logging` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveLogger {
    /// The logger's name (`http`, `rbac`, …).
    pub name: String,
    /// Its level, when Envoy's word for it is one istioctl knows.
    pub level: Option<LogLevel>,
}

/// Reads the `active loggers:` list of Envoy's `/logging` answer
/// (`LogsHandler::handlerLogging`: `active loggers:`, then `  NAME: LEVEL` per logger).
/// `None` when the text has no such list: the endpoint is not Envoy's `/logging`.
pub fn parse_active_loggers(text: &str) -> Option<Vec<ActiveLogger>> {
    let mut lines = text.lines().skip_while(|l| *l != "active loggers:");
    lines.next()?;
    Some(
        lines
            .map_while(|l| l.strip_prefix("  "))
            .filter_map(|l| l.rsplit_once(": "))
            .map(|(name, level)| ActiveLogger {
                name: name.to_string(),
                level: LogLevel::parse(level),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests;
