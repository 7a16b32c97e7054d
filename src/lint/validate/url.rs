//! Go `net/url` behaviour that Istio's URL checks depend on (`url.Parse`,
//! `url.ParseRequestURI`, and Kubernetes CEL's `isURL`/`url().getScheme()`, which use the
//! latter). Only the parts that decide accept/reject and the scheme are modelled.

/// Go's `getScheme`: `Ok(Some(scheme))`, `Ok(None)` when there is none, `Err` for a leading `:`.
fn go_scheme(s: &str) -> Result<Option<(&str, &str)>, String> {
    for (i, c) in s.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err("missing protocol scheme".into()),
            ':' => return Ok(Some((&s[..i], &s[i + 1..]))),
            _ => return Ok(None),
        }
    }
    Ok(None)
}

fn check_authority(rest: &str) -> Result<(), String> {
    let Some(after) = rest.strip_prefix("//") else {
        return Ok(());
    };
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.starts_with('[') {
        return Ok(());
    }
    let (name, port) = match host.rsplit_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (host, None),
    };
    if let Some(p) = port.filter(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(format!("invalid port \":{p}\" after host"));
    }
    if let Some(bad) = name.chars().find(|c| {
        c.is_whitespace() || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
    }) {
        return Err(format!(
            "invalid character {:?} in host name",
            bad.to_string()
        ));
    }
    Ok(())
}

fn parse(s: &str, request_uri: bool) -> Result<String, String> {
    let fail = |e: String| format!("parse {s:?}: {e}");
    if s.chars().any(|c| c.is_ascii_control()) {
        return Err(fail("net/url: invalid control character in URL".into()));
    }
    match go_scheme(s).map_err(fail)? {
        Some((scheme, rest)) => {
            if rest.starts_with('/') {
                check_authority(rest).map_err(fail)?;
            }
            Ok(scheme.to_ascii_lowercase())
        }
        None if request_uri && !s.starts_with('/') => Err(fail("invalid URI for request".into())),
        None => {
            if s.starts_with("//") {
                check_authority(s).map_err(fail)?;
            }
            Ok(String::new())
        }
    }
}

/// `url.ParseRequestURI`: the scheme (lowercase, maybe empty) or Go's error text.
pub fn parse_request_uri(s: &str) -> Result<String, String> {
    parse(s, true)
}

/// `url.Parse` (lenient): the scheme or Go's error text.
pub fn parse_lenient(s: &str) -> Result<String, String> {
    parse(s, false)
}

const CEL_SCHEMES: [&str; 5] = ["", "http", "https", "oci", "file"];

/// The WasmPlugin CRD's CEL url rule: `isURL(self) ? scheme ok : isURL("http://"+self) && scheme ok`.
pub fn cel_url_ok(s: &str) -> bool {
    match parse_request_uri(s) {
        Ok(scheme) => CEL_SCHEMES.contains(&scheme.as_str()),
        Err(_) => parse_request_uri(&format!("http://{s}"))
            .is_ok_and(|scheme| CEL_SCHEMES.contains(&scheme.as_str())),
    }
}

/// The webhook's URL check at Istio 1.`version`; `None` when accepted.
pub fn webhook_url_error(s: &str, version: u32) -> Option<String> {
    let scheme = if version >= 23 {
        match parse_request_uri(s).or_else(|_| parse_request_uri(&format!("http://{s}"))) {
            Ok(scheme) => scheme,
            Err(e) => return Some(format!("failed to strict parse url: {e}")),
        }
    } else {
        match parse_lenient(s) {
            Ok(scheme) => scheme,
            Err(e) => return Some(format!("failed to parse url: {e}")),
        }
    };
    (!CEL_SCHEMES.contains(&scheme.as_str()))
        .then(|| format!("url contains unsupported scheme: {scheme}"))
}

/// The URL's scheme as Istio reads it: none means `oci`.
pub fn scheme_of(s: &str) -> String {
    match go_scheme(s) {
        Ok(Some((scheme, rest))) if rest.starts_with("//") => scheme.to_ascii_lowercase(),
        _ => "oci".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cel_rule() {
        for ok in [
            "oci://ghcr.io/a/b:v1",
            "ghcr.io/a/b:v1",
            "https://x.io/p.wasm",
            "file:///opt/p.wasm",
            "/opt/p.wasm",
        ] {
            assert!(cel_url_ok(ok), "{ok}");
        }
        for bad in ["ftp://x/y", "s3://bucket/p.wasm"] {
            assert!(!cel_url_ok(bad), "{bad}");
        }
    }

    #[test]
    fn webhook_wording() {
        assert_eq!(
            webhook_url_error("ftp://x/y", 30).as_deref(),
            Some("url contains unsupported scheme: ftp")
        );
        assert_eq!(webhook_url_error("ghcr.io/a:v1", 12), None);
        assert!(webhook_url_error("http://a b/x", 12).is_some());
        assert_eq!(scheme_of("ghcr.io/a:v1"), "oci");
    }
}
