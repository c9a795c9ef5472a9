//! A browser harness for the MCP Apps views: headless chromium
//! ([`crate::chromium`]) shows a test-only host page
//! (`tests/apps/host.html`) served on 127.0.0.1. The page embeds a view as a
//! host does, plays the host's side of the protocol with a real answer of the
//! server under test, forwards the view's `tools/call` to that server
//! ([`Backend`]) and records what the view sends, for the test to read back.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::{get, post};
use chromiumoxide::Page;
use serde_json::{Value, json};

use crate::chromium::Chromium;

const HOST: &str = include_str!("../apps/host.html");

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The server under test, as the host page reaches it.
pub trait Backend: Send + Sync + 'static {
    /// The HTML of `ui://odoo/<name>` (resources/read).
    fn view(&self, name: String) -> BoxFuture<'_, Result<String, String>>;
    /// A tools/call (`{name, arguments}`), answered as a CallToolResult.
    fn call(&self, params: Value) -> BoxFuture<'_, Result<Value, String>>;
}

#[derive(Clone)]
struct Served {
    backend: Arc<dyn Backend>,
    scenario: Arc<Mutex<Value>>,
}

async fn view(
    State(served): State<Served>,
    UrlPath(name): UrlPath<String>,
) -> Result<Html<String>, (StatusCode, String)> {
    served
        .backend
        .view(name)
        .await
        .map(Html)
        .map_err(|e| (StatusCode::BAD_GATEWAY, e))
}

async fn forward(State(served): State<Served>, Json(params): Json<Value>) -> Json<Value> {
    // A failed call reaches the view as a tool error, as a host would show it.
    Json(
        served
            .backend
            .call(params)
            .await
            .unwrap_or_else(|e| json!({"content": [{"type": "text", "text": e}], "isError": true})),
    )
}

async fn serve(served: Served) -> Result<SocketAddr, String> {
    let scenario = served.scenario.clone();
    let app = axum::Router::new()
        .route("/host", get(|| async { Html(HOST) }))
        .route("/view/{name}", get(view))
        .route(
            "/scenario",
            get(move || {
                let scenario = scenario.lock().map(|s| s.clone()).unwrap_or_default();
                async move { Json(scenario) }
            }),
        )
        .route("/call", post(forward))
        .with_state(served);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(addr)
}

/// The host page showing a view with a scenario's answer.
pub struct Shown {
    pub page: Page,
    chromium: Chromium,
}

/// Shows `view` (wizard, chart, record) with `scenario`
/// (`{"input": <the call's arguments>, "result": <its CallToolResult>}`),
/// once the view has initialized and received both; `None` without chromium.
pub async fn show(
    backend: Arc<dyn Backend>,
    view: &str,
    scenario: Value,
) -> Result<Option<Shown>, String> {
    let Some(chromium) = Chromium::launch(&[]).await? else {
        return Ok(None);
    };
    let served = Served {
        backend,
        scenario: Arc::new(Mutex::new(scenario)),
    };
    let addr = serve(served).await?;
    let page = chromium
        .new_page(&format!("http://{addr}/host?view={view}"))
        .await?;
    let shown = Shown { page, chromium };
    shown.until_host("window.host.ready").await?;
    Ok(Some(shown))
}

impl Shown {
    /// Evaluates `js` in the host page.
    pub async fn try_host(&self, js: &str) -> Result<Value, String> {
        Ok(self
            .page
            .evaluate(js)
            .await
            .map_err(|e| format!("{js}: {e}"))?
            .into_value()
            .unwrap_or(Value::Null))
    }

    /// Evaluates `js` in the view's frame (`document` is the view's).
    pub async fn try_view(&self, js: &str) -> Result<Value, String> {
        let js = serde_json::to_string(js).map_err(|e| e.to_string())?;
        self.try_host(&format!(
            "(() => {{ const w = document.querySelector('iframe').contentWindow; return w.eval({js}); }})()"
        ))
        .await
    }

    /// Types `value` into the view's input of `field` as a person would: the
    /// value, then the `input` and `change` events a browser sends.
    pub async fn try_type(&self, field: &str, value: &str) -> Result<(), String> {
        let el = format!("document.querySelector('#f_{field}')");
        let value = serde_json::to_string(value).map_err(|e| e.to_string())?;
        self.try_view(&format!(
            "{el}.value = {value}; {el}.dispatchEvent(new Event('input', {{bubbles: true}})); {el}.dispatchEvent(new Event('change', {{bubbles: true}}))"
        ))
        .await
        .map(drop)
    }

    /// Waits (10 s at most) until `js` in the host is truthy.
    pub async fn until_host(&self, js: &str) -> Result<Value, String> {
        for _ in 0..200 {
            let value = self.try_host(js).await?;
            if truthy(&value) {
                return Ok(value);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let host = self.try_host("JSON.stringify(window.host)").await?;
        Err(format!("the host never had {js}: {host}"))
    }

    /// Waits (10 s at most) until `js` in the view is truthy.
    pub async fn until_view(&self, js: &str) -> Result<Value, String> {
        for _ in 0..200 {
            let value = self.try_view(js).await?;
            if truthy(&value) {
                return Ok(value);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let text = self.try_view("document.body.innerText").await?;
        Err(format!("the view never had {js}: {text}"))
    }

    /// [`Self::try_host`], for tests.
    pub async fn host(&self, js: &str) -> Value {
        self.try_host(js).await.unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Self::try_view`], for tests.
    pub async fn view(&self, js: &str) -> Value {
        self.try_view(js).await.unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Self::try_type`], for tests.
    pub async fn type_into(&self, field: &str, value: &str) {
        self.try_type(field, value)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// [`Self::until_host`], for tests.
    pub async fn wait_host(&self, js: &str) -> Value {
        self.until_host(js).await.unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Self::until_view`], for tests.
    pub async fn wait_view(&self, js: &str) -> Value {
        self.until_view(js).await.unwrap_or_else(|e| panic!("{e}"))
    }

    /// The tools/call requests (`{name, arguments}`) the view sent to the host.
    pub async fn calls(&self, name: &str) -> Vec<Value> {
        self.try_host("window.host.calls")
            .await
            .unwrap_or_default()
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["name"] == name)
            .cloned()
            .collect()
    }

    /// A PNG of the host page as shown.
    pub async fn png(&self) -> Result<Vec<u8>, String> {
        let params = chromiumoxide::page::ScreenshotParams::builder().build();
        self.page
            .screenshot(params)
            .await
            .map_err(|e| e.to_string())
    }

    /// Closes the browser.
    pub async fn close(self) {
        self.chromium.close().await;
    }
}

fn truthy(value: &Value) -> bool {
    !matches!(value, Value::Null | Value::Bool(false))
        && value.as_array().is_none_or(|a| !a.is_empty())
}
