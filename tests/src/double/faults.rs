//! Fault injection: slow answers, gateway errors, HTML, truncated bodies and dropped
//! connections, plus the listener that lets a handler drop its own connection.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::connect_info::Connected;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::serve::IncomingStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A fault the double applies to the requests it receives, until cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer normally, after this delay.
    Delay(Duration),
    /// Answer with this status (502/503/504 with an nginx page, 500 with an Odoo error).
    Status(u16),
    /// 200 with an HTML page instead of JSON/XML.
    Html,
    /// The normal answer with its body cut in half (and a matching Content-Length).
    Truncated,
    /// Close the connection without answering.
    Drop,
    /// The first `times` requests fail with `status`, then answers are normal.
    FailTimes { status: u16, times: usize },
}

/// What to do with one request.
pub(crate) enum Action {
    Normal,
    Delay(Duration),
    Status(u16),
    Html,
    Truncated,
    Drop,
}

impl Fault {
    /// The action for the next request; counts down `FailTimes`.
    pub(crate) fn next_action(&mut self) -> Action {
        match self {
            Fault::Delay(d) => Action::Delay(*d),
            Fault::Status(s) => Action::Status(*s),
            Fault::Html => Action::Html,
            Fault::Truncated => Action::Truncated,
            Fault::Drop => Action::Drop,
            Fault::FailTimes { status, times } if *times > 0 => {
                *times -= 1;
                Action::Status(*status)
            }
            Fault::FailTimes { .. } => Action::Normal,
        }
    }
}

/// What nginx (502/503/504) or Odoo answers for an injected status.
pub(crate) fn status_response(status: u16, json: bool) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let reason = code.canonical_reason().unwrap_or("Error");
    if json && status == 500 {
        let error = super::error::OdooError::Python {
            class: "RuntimeError",
            message: "fault injected by the Odoo test double".into(),
        };
        return super::json2::json_response(status, &error.json_body());
    }
    let page = format!(
        "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    (code, [(header::CONTENT_TYPE, "text/html")], page).into_response()
}

pub(crate) fn html_page() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!DOCTYPE html>\n<html><head><title>Odoo</title></head><body><form action=\"/web/login\">Log in</form></body></html>\n",
    )
        .into_response()
}

/// The response with its body cut in half (or emptied when half still parses).
pub(crate) async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let mut half = bytes.slice(..bytes.len() / 2);
    // A short answer can stay valid when halved (`40` -> `4`): then send nothing.
    if serde_json::from_slice::<serde_json::Value>(&half).is_ok() {
        half = bytes::Bytes::new();
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(half))
}

/// A TCP listener whose connections a handler can kill (see [`Conn`]).
pub(crate) struct KillableListener(pub TcpListener);

impl axum::serve::Listener for KillableListener {
    type Io = KillableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    let stream = KillableStream {
                        stream,
                        killed: Arc::new(AtomicBool::new(false)),
                    };
                    return (stream, addr);
                }
                // e.g. too many open files: wait and retry, as axum's own listener does.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// A connection that stops reading and writing once killed, so hyper closes it
/// without sending a byte of the response.
pub(crate) struct KillableStream {
    stream: TcpStream,
    killed: Arc<AtomicBool>,
}

impl AsyncRead for KillableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.killed.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.killed.load(Ordering::SeqCst) {
            return Poll::Ready(Err(io::ErrorKind::ConnectionAborted.into()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Per-connection handle given to handlers (as axum `ConnectInfo`).
#[derive(Clone)]
pub(crate) struct Conn(Arc<AtomicBool>);

impl Conn {
    pub fn kill(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, KillableListener>> for Conn {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        Conn(stream.io().killed.clone())
    }
}
