//! Table cases for `--level` parsing (istioctl `logCmd`) and the `/logging` answer
//! (Envoy `LogsHandler::handlerLogging`).

use super::*;

/// An answer as Envoy writes it: `active loggers:`, two-space indented `name: level`
/// lines, a blank line.
const ACTIVE: &str = "active loggers:\n  admin: warning\n  http: warning\n  rbac: info\n\n";

fn set(all: Option<LogLevel>, loggers: &[(&str, LogLevel)]) -> LevelChanges {
    LevelChanges {
        all,
        loggers: loggers.iter().map(|(n, l)| (n.to_string(), *l)).collect(),
    }
}

#[test]
fn levels_follow_istioctl_string_to_level() {
    for level in LogLevel::ALL {
        assert_eq!(LogLevel::parse(level.as_str()), Some(level));
    }
    assert_eq!(LogLevel::parse("warn"), Some(LogLevel::Warning));
    for bad in ["none", "DEBUG", "", "warnings"] {
        assert_eq!(LogLevel::parse(bad), None, "{bad}");
    }
}

#[test]
fn level_flag_as_istioctl_log_cmd_reads_it() {
    use LogLevel::*;
    let cases: &[(&str, Result<LevelChanges, LogError>)] = &[
        ("debug", Ok(set(Some(Debug), &[]))),
        ("http:debug", Ok(set(None, &[("http", Debug)]))),
        ("http=debug", Ok(set(None, &[("http", Debug)]))),
        (
            "http:debug,rbac=warn",
            Ok(set(None, &[("http", Debug), ("rbac", Warning)])),
        ),
        ("level=info", Ok(set(Some(Info), &[]))),
        (
            "level:off,http:trace",
            Ok(set(Some(Off), &[("http", Trace)])),
        ),
        // A bare level replaces what came before it, as istioctl's map is replaced.
        ("http:debug,info", Ok(set(Some(Info), &[]))),
        ("info,http:debug", Ok(set(Some(Info), &[("http", Debug)]))),
        // A namespace before `::` is dropped.
        ("envoy::http:debug", Ok(set(None, &[("http", Debug)]))),
        // istioctl's rule is a substring of the answer's text.
        ("htt:debug", Ok(set(None, &[("htt", Debug)]))),
        ("none", Err(LogError::Level("none".into()))),
        ("debug,", Err(LogError::Level(String::new()))),
        ("http:loud", Err(LogError::Level("loud".into()))),
        ("http:", Err(LogError::Level(String::new()))),
        ("http::", Err(LogError::Level(String::new()))),
        ("redis:debug", Err(LogError::Logger("redis".into()))),
        // The logger is checked before the level.
        ("redis:loud", Err(LogError::Logger("redis".into()))),
    ];
    for (flag, want) in cases {
        assert_eq!(&parse_levels(flag, ACTIVE), want, "{flag}");
    }
}

#[test]
fn queries_set_every_logger_first() {
    use LogLevel::*;
    assert_eq!(LevelChanges::default().queries(), [""]);
    assert_eq!(
        set(Some(Off), &[("rbac", Info), ("http", Trace)]).queries(),
        ["level=off", "http=trace", "rbac=info"]
    );
    assert_eq!(
        LevelChanges::reset(DEFAULT_LEVEL).queries(),
        ["level=warning"]
    );
}

#[test]
fn active_loggers_are_read_from_envoys_answer() {
    let loggers = parse_active_loggers(ACTIVE).unwrap();
    let names: Vec<_> = loggers.iter().map(|l| (l.name.as_str(), l.level)).collect();
    assert_eq!(
        names,
        [
            ("admin", Some(LogLevel::Warning)),
            ("http", Some(LogLevel::Warning)),
            ("rbac", Some(LogLevel::Info))
        ]
    );
    // A refused change still lists the loggers, after the usage text.
    let refused = format!("error: unknown logger name\n\nusage: …\nlevels: trace \n{ACTIVE}");
    assert_eq!(parse_active_loggers(&refused).unwrap().len(), 3);
    assert_eq!(parse_active_loggers("invalid path\n"), None);
}
