//! The page's files, embedded at build time (`build.rs` lists `web/`).

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

include!(concat!(env!("OUT_DIR"), "/web_files.rs"));

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

fn serve(path: &str) -> Response {
    match FILES.iter().find(|(p, _)| *p == path) {
        Some((p, bytes)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(content_type(p)),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            *bytes,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({"error": format!("no page file {path}")})),
        )
            .into_response(),
    }
}

/// `/`: the page.
pub async fn index() -> Response {
    serve("/index.html")
}

/// Any other page file.
pub async fn file(Path(file): Path<String>) -> Response {
    serve(&format!("/{file}"))
}
