//! The pod `portforward` subresource of the test API server, as the API server and
//! kubelet speak it over WebSocket (`v4.channel.k8s.io`): per forwarded port a data
//! channel (2i) and an error channel (2i+1), each opened by a frame carrying the port
//! (little-endian u16); every frame's first byte is its channel. The data channel is
//! bridged to the pod's fake admin server; a port nothing listens on gets the kubelet's
//! message on the error channel.

use std::net::SocketAddr;

use futures_util::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;

use super::api_json::{query_param, status};
use super::apiserver::FakePod;
use super::runtime;

const PROTOCOL: &str = "v4.channel.k8s.io";

/// Answers the upgrade request and, once switched, runs the bridge in the background.
pub fn upgrade(req: Request<Incoming>, pod: &FakePod, query: &str) -> Response<Full<Bytes>> {
    let offered = req
        .headers()
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !offered.split(',').any(|p| p.trim() == PROTOCOL) {
        return status(
            400,
            "BadRequest",
            "no supported port-forward protocol offered",
        );
    }
    let Some(key) = req.headers().get("sec-websocket-key").cloned() else {
        return status(400, "BadRequest", "not a WebSocket upgrade");
    };
    let Some(port) = query_param(query, "ports").and_then(|p| p.parse::<u16>().ok()) else {
        return status(
            400,
            "BadRequest",
            "exactly one port is supported by the test server",
        );
    };
    let target = match pod.admin {
        Some(addr) if port == pod.admin_port => Ok(addr),
        _ => Err(format!(
            "error forwarding port {port} to pod {}, uid : failed to execute portforward in network namespace: failed to connect to localhost:{port} inside namespace: connection refused",
            pod.name
        )),
    };
    let drops = pod.forward_drops;
    runtime().spawn(async move {
        if let Ok(upgraded) = hyper::upgrade::on(req).await {
            let mut ws =
                WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
            if drops {
                let _ = ws.close(None).await;
                return;
            }
            bridge(ws, port, target).await;
        }
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header("upgrade", "websocket")
        .header("connection", "Upgrade")
        .header("sec-websocket-accept", derive_accept_key(key.as_bytes()))
        .header("sec-websocket-protocol", PROTOCOL)
        .body(Full::new(Bytes::new()))
        .unwrap()
}

async fn bridge<S>(ws: WebSocketStream<S>, port: u16, target: Result<SocketAddr, String>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut sink, mut stream) = ws.split();
    let [lo, hi] = port.to_le_bytes();
    for channel in [0u8, 1] {
        if sink
            .send(Message::binary(vec![channel, lo, hi]))
            .await
            .is_err()
        {
            return;
        }
    }
    let connected = match target {
        Ok(addr) => TcpStream::connect(addr).await.map_err(|e| e.to_string()),
        Err(message) => Err(message),
    };
    let tcp = match connected {
        Ok(tcp) => tcp,
        Err(message) => {
            let mut frame = vec![1u8];
            frame.extend_from_slice(message.as_bytes());
            // As the kubelet, report on the error channel and keep the stream open until
            // the client gives up on it.
            let _ = sink.send(Message::binary(frame)).await;
            while let Some(Ok(msg)) = stream.next().await {
                if msg.is_close() {
                    break;
                }
            }
            return;
        }
    };
    let (mut from_pod, mut to_pod) = tcp.into_split();
    let upstream = async move {
        while let Some(Ok(msg)) = stream.next().await {
            let data = match msg {
                Message::Binary(b) if b.len() > 1 && b[0] == 0 => b,
                Message::Close(_) => break,
                _ => continue,
            };
            if to_pod.write_all(&data[1..]).await.is_err() {
                break;
            }
        }
        let _ = to_pod.shutdown().await;
    };
    let downstream = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match from_pod.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let mut frame = Vec::with_capacity(n + 1);
                    frame.push(0u8);
                    frame.extend_from_slice(&buf[..n]);
                    if sink.send(Message::binary(frame)).await.is_err() {
                        return;
                    }
                }
            }
        }
        let _ = sink.send(Message::Close(None)).await;
    };
    tokio::join!(upstream, downstream);
}
