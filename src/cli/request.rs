//! `explain --request 'METHOD URL'` and `-H 'name: value'`: parsed into plain values
//! here, so a malformed one is clap's usage error (exit 2) before any input is read.

/// `--request`: the method and the URL's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestArg {
    pub method: String,
    /// `http` or `https`; `None` for a path-only URL (`/status/418`, with `-H 'host: …'`).
    pub scheme: Option<String>,
    /// `host[:port]` as written; `None` for a path-only URL.
    pub authority: Option<String>,
    /// The path and query (`/` when the URL has none); the fragment is dropped, as a client
    /// never sends it.
    pub path: String,
}

/// An HTTP method token (RFC 9110: `tchar`s); upper-cased, as clients send the usual ones.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parses `'METHOD URL'`: `GET http://host[:port]/path?query`, or `GET /path` (the host
/// then comes from `-H 'host: …'`).
pub fn parse_request(text: &str) -> Result<RequestArg, String> {
    let usage = || {
        format!(
            "expected 'METHOD URL', e.g. 'GET http://httpbin.default:8000/status/418', not {text:?}"
        )
    };
    let mut parts = text.split_whitespace();
    let (Some(method), Some(url), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(usage());
    };
    if !is_token(method) {
        return Err(format!("{method:?} is not an HTTP method"));
    }
    let url = url.split('#').next().unwrap_or_default();
    let (scheme, authority, path) = match url.split_once("://") {
        Some((scheme, rest)) => {
            let scheme = scheme.to_ascii_lowercase();
            if scheme != "http" && scheme != "https" {
                return Err(format!(
                    "the URL's scheme must be http or https, not {scheme:?}"
                ));
            }
            let end = rest.find(['/', '?']).unwrap_or(rest.len());
            let (authority, path) = rest.split_at(end);
            if authority.is_empty() || authority.contains('@') {
                return Err(format!("the URL needs a host (and no user info): {url:?}"));
            }
            let path = match path {
                "" => "/".to_string(),
                p if p.starts_with('?') => format!("/{p}"),
                p => p.to_string(),
            };
            (Some(scheme), Some(authority.to_string()), path)
        }
        None if url.starts_with('/') => (None, None, url.to_string()),
        None => return Err(usage()),
    };
    Ok(RequestArg {
        method: method.to_ascii_uppercase(),
        scheme,
        authority,
        path,
    })
}

/// Parses `-H 'name: value'` as curl takes it: the name lower-cased (HTTP/2 sends it so),
/// the value without surrounding spaces.
pub fn parse_header(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((name, value)) if is_token(name.trim()) && name.trim() == name => {
            Ok((name.to_ascii_lowercase(), value.trim().to_string()))
        }
        _ => Err(format!("expected 'name: value', not {text:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_method_and_url() {
        let r = parse_request("get http://httpbin.default:8000/status/418?x=1#frag").unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.scheme.as_deref(), Some("http"));
        assert_eq!(r.authority.as_deref(), Some("httpbin.default:8000"));
        assert_eq!(r.path, "/status/418?x=1");
        assert_eq!(parse_request("GET http://a").unwrap().path, "/");
        assert_eq!(parse_request("GET http://a?q").unwrap().path, "/?q");
        assert_eq!(parse_request("GET /p").unwrap().authority, None);
        for bad in [
            "GET",
            "http://a",
            "GET a b",
            "G(T http://a",
            "GET ftp://a",
            "GET http://",
            "GET a.com",
        ] {
            assert!(parse_request(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_headers() {
        assert_eq!(
            parse_header("End-User:  jason ").unwrap(),
            ("end-user".to_string(), "jason".to_string())
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header(": v").is_err());
        assert!(parse_header("a b: v").is_err());
    }
}
