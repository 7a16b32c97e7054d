//! Envoy admin HTTP: one `GET /config_dump` (or `/clusters`), or one `POST /logging` for
//! `pc log`, over a TCP connection (`--admin URL`) or over a port-forwarded stream
//! (`kube.rs`). Async, like `kube.rs`; `cmd/` blocks on it with
//! [`block_on`]. It never parses the dump: the bytes go to the loader as they are.

use std::future::Future;
use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};

use super::Error;

/// An `--admin` URL split into what a connection needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminUrl {
    /// The URL as given, for error lines.
    pub label: String,
    host: String,
    port: u16,
    prefix: String,
}

impl AdminUrl {
    /// Parses `http://host[:port][/prefix]`; a bare `host:port` means `http://`.
    pub fn parse(url: &str) -> Result<AdminUrl, Error> {
        let bad = |reason: &str| Error::AdminUrl {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        let full = if url.contains("://") {
            url.to_string()
        } else {
            format!("http://{url}")
        };
        let uri: Uri = full.parse().map_err(|_| bad("not a URL"))?;
        match uri.scheme_str() {
            Some("http") => {}
            _ => {
                return Err(bad(
                    "only http:// is supported (Envoy's admin port speaks plain HTTP)",
                ));
            }
        }
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("no host"))?;
        if uri.query().is_some() {
            return Err(bad("give the base URL, without a query"));
        }
        let prefix = uri.path().trim_end_matches('/');
        let prefix = prefix.strip_suffix("/config_dump").unwrap_or(prefix);
        Ok(AdminUrl {
            label: url.to_string(),
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
            port: uri.port_u16().unwrap_or(80),
            prefix: prefix.to_string(),
        })
    }
}

/// Runs `fut` to completion on a fresh single-threaded runtime: the one place sync code
/// enters async code.
pub fn block_on<F: Future>(fut: F) -> Result<F::Output, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    Ok(runtime.block_on(fut))
}

/// `GET URL{path}{query}` (`path` is `/config_dump` or `/clusters`) from an admin endpoint,
/// all of it within `timeout`.
pub async fn fetch_url(
    url: &AdminUrl,
    path: &str,
    query: &str,
    timeout: Duration,
) -> Result<Vec<u8>, Error> {
    send_url(url, &Method::GET, path, query, timeout).await
}

/// `method URL{path}{query}` from an admin endpoint, all of it within `timeout`.
pub async fn send_url(
    url: &AdminUrl,
    method: &Method,
    path: &str,
    query: &str,
    timeout: Duration,
) -> Result<Vec<u8>, Error> {
    let work = async {
        let stream = tokio::net::TcpStream::connect((url.host.as_str(), url.port))
            .await
            .map_err(|source| Error::AdminConnect {
                url: url.label.clone(),
                source,
            })?;
        let host = format!("{}:{}", url.host, url.port);
        let path = format!("{}{path}{query}", url.prefix);
        send(stream, method, &url.label, &host, &path).await
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| Error::Timeout {
            what: url.label.clone(),
            timeout,
        })?
}

/// `POST URL/logging{query}` (`pc log`, as istioctl's `setupEnvoyLogConfig`): the body of
/// Envoy's answer, which lists the active loggers.
pub async fn post_logging_url(
    url: &AdminUrl,
    query: &str,
    timeout: Duration,
) -> Result<Vec<u8>, Error> {
    send_url(url, &Method::POST, "/logging", query, timeout)
        .await
        .map_err(|e| match e {
            Error::Timeout { what, timeout } => Error::NoAnswer { what, timeout },
            other => other,
        })
}

/// Sends one `method path` over `io` (HTTP/1.1) and returns the whole body of a 2xx
/// answer. `label` names the endpoint in errors.
pub async fn send<S>(
    io: S,
    method: &Method,
    label: &str,
    host: &str,
    path: &str,
) -> Result<Vec<u8>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let http = |source: hyper::Error| Error::AdminHttp {
        url: label.to_string(),
        source,
    };
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(http)?;
    let conn = tokio::spawn(conn);
    let request = Request::builder()
        .method(method.clone())
        .uri(path)
        .header(hyper::header::HOST, host)
        .header(hyper::header::ACCEPT, "application/json")
        .body(Empty::<Bytes>::new())
        .map_err(|e| Error::AdminUrl {
            url: label.to_string(),
            reason: e.to_string(),
        })?;
    let response = sender.send_request(request).await.map_err(http)?;
    let status = response.status();
    if !status.is_success() {
        conn.abort();
        return Err(Error::AdminStatus {
            url: label.to_string(),
            method: method.to_string(),
            path: path.to_string(),
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
        });
    }
    let body = response.into_body().collect().await.map_err(http)?;
    conn.abort();
    // Into a Vec without a copy when the body arrived as one buffer.
    Ok(Vec::from(body.to_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_admin_urls() {
        let cases = [
            ("http://127.0.0.1:15000", "127.0.0.1", 15000, ""),
            ("localhost:15000", "localhost", 15000, ""),
            ("http://h/envoy/", "h", 80, "/envoy"),
            ("http://h:1/config_dump", "h", 1, ""),
            ("http://[::1]:15000", "::1", 15000, ""),
        ];
        for (input, host, port, prefix) in cases {
            let u = AdminUrl::parse(input).unwrap();
            assert_eq!(
                (u.host.as_str(), u.port, u.prefix.as_str()),
                (host, port, prefix),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_other_schemes_and_queries() {
        for input in ["https://h:1", "http://h:1/?x=1", "http://", "ftp://h"] {
            assert!(AdminUrl::parse(input).is_err(), "{input}");
        }
    }
}
