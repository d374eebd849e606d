//! The HTTP side: routes, the Host and Origin guards, the body limit and the JSON errors.
//! Every handler that touches a session runs it on a blocking thread; the executor only
//! moves bytes.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::stream::Stream;
use serde_json::{json, Value};
use tokio::sync::watch;

use crate::config::{self, Config};
use crate::registry::{Entry, Registry};
use crate::session::{Session, SessionError, MAX_STEP_EPOCHS};

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What the handlers share.
#[derive(Debug)]
pub struct App {
    pub registry: Registry,
    pub addr: SocketAddr,
    pub shutdown: watch::Receiver<bool>,
}

/// An error answer: `{"error": ..., "field": ...}` with a status.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            field: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"error": self.message});
        if let Some(f) = self.field {
            body["field"] = json!(f);
        }
        (self.status, axum::Json(body)).into_response()
    }
}

impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::Config(c) => Self {
                status: StatusCode::BAD_REQUEST,
                message: c.to_string(),
                field: (!c.field.is_empty()).then_some(c.field),
            },
            SessionError::Invalid(m) => Self::new(StatusCode::BAD_REQUEST, m),
            SessionError::Train(t) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, t.to_string()),
        }
    }
}

type ApiResult = Result<Response, ApiError>;

/// The routes, guards and limits around `app`.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(crate::assets::index))
        .route("/index.html", get(crate::assets::index))
        .route("/{*file}", get(crate::assets::file))
        .route("/api/health", get(health))
        .route("/api/defaults", get(defaults))
        .route("/api/sessions", post(create))
        .route("/api/sessions/{id}", get(show).patch(patch).delete(delete))
        .route("/api/sessions/{id}/step", post(step))
        .route("/api/sessions/{id}/reset", post(reset))
        .route("/api/sessions/{id}/data", get(data).put(put_data))
        .route("/api/sessions/{id}/points", post(add_point))
        .route("/api/sessions/{id}/points/remove", post(remove_point))
        .route("/api/sessions/{id}/model", get(model).put(put_model))
        .route("/api/sessions/{id}/history", get(history))
        .route("/api/sessions/{id}/history.csv", get(history_csv))
        .route("/api/sessions/{id}/animation.gif", get(animation))
        .route("/api/sessions/{id}/frames", get(frames))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such page or API route") })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(Arc::clone(&app), guard))
        .with_state(app)
}

/// The hosts a request may name: the bound address, `localhost` and `127.0.0.1`, on the
/// bound port.
fn host_allowed(host: &str, addr: &SocketAddr) -> bool {
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((ip, tail)) => (format!("[{ip}]"), tail.strip_prefix(':')),
            None => return false,
        },
        None => match host.rsplit_once(':') {
            Some((n, p)) => (n.to_string(), Some(p)),
            None => (host.to_string(), None),
        },
    };
    let port_ok = port.is_none_or(|p| p == addr.port().to_string());
    let bound = match addr.ip() {
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let name = name.to_ascii_lowercase();
    !name.is_empty()
        && port_ok
        && (name == "localhost" || name == "127.0.0.1" || name == "[::1]" || name == bound)
}

/// DNS-rebinding and cross-site guards, before any handler runs.
async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !host_allowed(host, &app.addr) {
        return ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "this server answers requests for localhost:{port}, 127.0.0.1:{port} and {}, not \
                 Host '{host}'",
                app.addr,
                port = app.addr.port()
            ),
        )
        .into_response();
    }
    let changes_state = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if changes_state {
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("");
            let own = origin
                .strip_prefix("http://")
                .is_some_and(|h| host_allowed(h, &app.addr));
            if !own {
                return ApiError::new(
                    StatusCode::FORBIDDEN,
                    format!("requests from another site ({origin}) may not change sessions"),
                )
                .into_response();
            }
        }
    }
    next.run(request).await
}

fn entry(app: &App, id: &str) -> Result<Arc<Entry>, ApiError> {
    app.registry.get(id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no session '{id}' (it may have expired after 10 idle minutes)"),
        )
    })
}

/// Runs `f` on the session on a blocking thread, publishes a frame when `changed`.
async fn with_session<T: Send + 'static>(
    app: &App,
    id: &str,
    changed: bool,
    f: impl FnOnce(&mut Session, &str) -> Result<T, SessionError> + Send + 'static,
) -> Result<T, ApiError> {
    let entry = entry(app, id)?;
    let id = id.to_string();
    tokio::task::spawn_blocking(move || {
        let mut session = entry.lock();
        let out = f(&mut session, &id);
        if changed {
            entry.publish(&mut session);
        }
        out
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the request failed"))?
    .map_err(ApiError::from)
}

fn json_body(bytes: &Bytes) -> Result<Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("the body is not JSON: {e}"),
        )
    })
}

fn too_large(e: axum::extract::rejection::BytesRejection) -> ApiError {
    ApiError::new(
        e.status(),
        format!("{} (bodies may be at most 16 MiB)", e.body_text()),
    )
}

type Body = Result<Bytes, axum::extract::rejection::BytesRejection>;

async fn health() -> Response {
    axum::Json(json!({"ok": true, "version": env!("CARGO_PKG_VERSION")})).into_response()
}

async fn defaults() -> Response {
    axum::Json(json!({"config": Config::default().to_json(), "allowed": config::allowed()}))
        .into_response()
}

async fn create(State(app): State<Arc<App>>, body: Body) -> ApiResult {
    let value = json_body(&body.map_err(too_large)?)?;
    let config = Config::from_json(&value).map_err(SessionError::from)?;
    let controls = value.clone();
    let (id, summary) = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let mut session = Session::new(config)?;
        if controls.as_object().is_some_and(|m| {
            ["speed", "stop", "playing"]
                .iter()
                .any(|k| m.contains_key(*k))
        }) {
            let only: serde_json::Map<String, Value> = controls
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| ["speed", "stop", "playing"].contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            session.patch(&Value::Object(only))?;
        }
        let (id, entry) = app
            .registry
            .insert(session)
            .map_err(|e| ApiError::new(StatusCode::TOO_MANY_REQUESTS, e.to_string()))?;
        let summary = entry.lock().summary(&id);
        Ok((id, summary))
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the request failed"))??;
    let location = HeaderValue::from_str(&format!("/api/sessions/{id}"))
        .unwrap_or(HeaderValue::from_static("/api/sessions"));
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        axum::Json(summary),
    )
        .into_response())
}

async fn show(State(app): State<Arc<App>>, Path(id): Path<String>) -> ApiResult {
    let v = with_session(&app, &id, false, |s, id| Ok(s.summary(id))).await?;
    Ok(axum::Json(v).into_response())
}

async fn patch(State(app): State<Arc<App>>, Path(id): Path<String>, body: Body) -> ApiResult {
    let value = json_body(&body.map_err(too_large)?)?;
    let v = with_session(&app, &id, true, move |s, id| {
        let reset = s.patch(&value)?;
        let mut summary = s.summary(id);
        summary["reset"] = json!(reset);
        Ok(summary)
    })
    .await?;
    Ok(axum::Json(v).into_response())
}

async fn delete(State(app): State<Arc<App>>, Path(id): Path<String>) -> ApiResult {
    let removed = tokio::task::spawn_blocking(move || app.registry.remove(&id).then_some(()))
        .await
        .ok()
        .flatten();
    match removed {
        Some(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        None => Err(ApiError::new(StatusCode::NOT_FOUND, "no such session")),
    }
}

async fn step(State(app): State<Arc<App>>, Path(id): Path<String>, body: Body) -> ApiResult {
    entry(&app, &id)?;
    let value = json_body(&body.map_err(too_large)?)?;
    let epochs = match value.get("epochs") {
        None => 1,
        Some(v) => v
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| (1..=MAX_STEP_EPOCHS).contains(n))
            .ok_or_else(|| ApiError {
                status: StatusCode::BAD_REQUEST,
                message: format!(
                    "invalid epochs: expected a whole number from 1 to {MAX_STEP_EPOCHS}, not {v}"
                ),
                field: Some("epochs".into()),
            })?,
    };
    if let Some(key) = value
        .as_object()
        .and_then(|m| m.keys().find(|k| *k != "epochs"))
    {
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            message: format!("unknown key {key}: step takes only \"epochs\""),
            field: Some(key.clone()),
        });
    }
    let v = with_session(&app, &id, true, move |s, _| {
        s.playing = false;
        s.step(epochs)?;
        Ok(s.metrics())
    })
    .await?;
    Ok(axum::Json(v).into_response())
}

async fn reset(State(app): State<Arc<App>>, Path(id): Path<String>) -> ApiResult {
    let v = with_session(&app, &id, true, |s, id| {
        s.reset()?;
        Ok(s.summary(id))
    })
    .await?;
    Ok(axum::Json(v).into_response())
}

async fn data(State(app): State<Arc<App>>, Path(id): Path<String>) -> ApiResult {
    let v = with_session(&app, &id, false, |s, _| Ok(s.data_json())).await?;
    Ok(axum::Json(v).into_response())
}

async fn put_data(State(app): State<Arc<App>>, Path(id): Path<String>, body: Body) -> ApiResult {
    let bytes = body.map_err(too_large)?;
    let v = with_session(&app, &id, true, move |s, id| {
        s.upload("the uploaded CSV", &bytes)?;
        Ok(s.summary(id))
    })
    .await?;
    Ok(axum::Json(v).into_response())
}

fn coordinate(value: &Value, key: &str) -> Result<f64, ApiError> {
    value
        .get(key)
        .and_then(Value::as_f64)
        .filter(|v| v.is_finite())
        .ok_or_else(|| ApiError {
            status: StatusCode::BAD_REQUEST,
            message: format!("invalid {key}: expected a finite number"),
            field: Some(key.into()),
        })
}

async fn add_point(State(app): State<Arc<App>>, Path(id): Path<String>, body: Body) -> ApiResult {
    let value = json_body(&body.map_err(too_large)?)?;
    let (x, y) = (coordinate(&value, "x")?, coordinate(&value, "y")?);
    let class = value
        .get("class")
        .and_then(Value::as_u64)
        .ok_or_else(|| ApiError {
            status: StatusCode::BAD_REQUEST,
            message: "invalid class: expected a whole number".into(),
            field: Some("class".into()),
        })?;
    let v = with_session(&app, &id, true, move |s, id| {
        s.add_point(x, y, usize::try_from(class).unwrap_or(usize::MAX))?;
        Ok(s.summary(id))
    })
    .await?;
    Ok(axum::Json(v).into_response())
}

async fn remove_point(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult {
    let value = json_body(&body.map_err(too_large)?)?;
    let (x, y) = (coordinate(&value, "x")?, coordinate(&value, "y")?);
    let v = with_session(&app, &id, true, move |s, id| {
        s.remove_point(x, y)?;
        Ok(s.summary(id))
    })
    .await?;
    Ok(axum::Json(v).into_response())
}

fn download(content_type: &'static str, name: &str, body: impl IntoResponse) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

async fn model(State(app): State<Arc<App>>, Path(id): Path<String>) -> ApiResult {
    let text = with_session(&app, &id, false, |s, _| s.model_file()).await?;
    Ok(download("application/json", "moons-model.json", text))
}

async fn put_model(State(app): State<Arc<App>>, Path(id): Path<String>, body: Body) -> ApiResult {
    let bytes = body.map_err(too_large)?;
    let v = with_session(&app, &id, true, move |s, id| {
        s.import(&bytes)?;
        Ok(s.summary(id))
    })
    .await?;
    Ok(axum::Json(v).into_response())
}

async fn history(State(app): State<Arc<App>>, Path(id): Path<String>) -> ApiResult {
    let v = with_session(&app, &id, false, |s, _| Ok(s.history_json())).await?;
    Ok(axum::Json(v).into_response())
}

async fn history_csv(State(app): State<Arc<App>>, Path(id): Path<String>) -> ApiResult {
    let v = with_session(&app, &id, false, |s, _| Ok(s.history_csv())).await?;
    Ok(download("text/csv", "moons-history.csv", v))
}

async fn animation(State(app): State<Arc<App>>, Path(id): Path<String>) -> ApiResult {
    let bytes = with_session(&app, &id, false, |s, _| {
        let (shots, data) = s.snapshots();
        moons_viz::animate_boundaries(&shots, &data)
            .map_err(|e| SessionError::Invalid(e.to_string()))
    })
    .await?;
    Ok(download("image/gif", "moons-boundary.gif", bytes))
}

async fn frames(State(app): State<Arc<App>>, Path(id): Path<String>) -> ApiResult {
    let entry = entry(&app, &id)?;
    let frames = entry.subscribe();
    let shutdown = app.shutdown.clone();
    Ok(Sse::new(frame_stream(frames, shutdown))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}

/// The latest frame now and after every change, until the session or the server goes.
fn frame_stream(
    frames: watch::Receiver<Arc<str>>,
    shutdown: watch::Receiver<bool>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    futures_util::stream::unfold(
        (frames, shutdown, true),
        |(mut frames, mut shutdown, first)| async move {
            if !first {
                tokio::select! {
                    changed = frames.changed() => changed.ok()?,
                    _ = shutdown.changed() => return None,
                }
            }
            if *shutdown.borrow() {
                return None;
            }
            let data = frames.borrow_and_update().clone();
            let event = Event::default().event("frame").data(&*data);
            Some((Ok(event), (frames, shutdown, false)))
        },
    )
}
