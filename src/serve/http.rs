//! The HTTP side of `serve`: pages from the current snapshot with the reload script injected,
//! the reload WebSocket, a path check that never serves anything outside the site, and the
//! connection loop that drops clients too slow to send their request.

use super::State;
use super::guard::{self, Hosts};
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::extract::State as AxState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;

pub const WS_PATH: &str = "/__dossier/ws";
const RELOAD_JS: &str = include_str!("reload.js");

pub fn router(state: Arc<State>, hosts: Hosts) -> Router {
    Router::new()
        .route(WS_PATH, get(websocket))
        .fallback(page)
        .with_state(state)
        // Last, so that it wraps every route, the fallback and its redirects alike.
        .layer(middleware::from_fn_with_state(Arc::new(hosts), own_hosts_only))
}

/// Answers only requests for the server's own host names (see `guard`).
async fn own_hosts_only(AxState(hosts): AxState<Arc<Hosts>>, req: Request, next: Next) -> Response {
    // A request in absolute form (`GET http://name/`) names its host twice; both must pass.
    let target = req.uri().authority().map_or(Ok(()), |a| hosts.check_host(a.as_str()));
    match target.and_then(|()| hosts.check(req.headers().get(header::HOST))) {
        Ok(()) => next.run(req).await,
        Err(reason) => forbidden(reason),
    }
}

fn forbidden(reason: String) -> Response {
    let mut r = (StatusCode::FORBIDDEN, reason).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    // The text repeats the Host header; no browser may take it for anything but text.
    r.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn websocket(
    ws: WebSocketUpgrade,
    headers: HeaderMap,
    AxState(state): AxState<Arc<State>>,
) -> Response {
    if !guard::origin_allowed(&headers) {
        return forbidden(
            "dossier serve opens the reload socket only for its own pages (Origin must be http:// and the \
             Host of the request).\n"
                .to_string(),
        );
    }
    ws.on_upgrade(move |socket| talk(socket, state))
}

/// How long a client has to send a request's head, from connecting or from the end of the
/// previous response on a kept-alive connection. Without a limit, a client that trickles its
/// headers (slowloris) holds a connection and its task forever; a browser sends them at once,
/// and reopens an idle connection closed by this limit.
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// How long Ctrl-C waits for requests being answered. Open reload sockets are not waited for.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(200);

/// Serves `app` on `listener` until `stop` completes. This is `axum::serve` with a header
/// timeout, which it does not offer: hyper's HTTP/1 connections with a timer, and upgrades
/// for the reload socket.
pub async fn serve(listener: tokio::net::TcpListener, app: Router, stop: impl Future<Output = ()>) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
    // Tells the connections to finish; `closed()` tells when every connection has ended.
    let (closing, open) = tokio::sync::watch::channel(());
    tokio::pin!(stop);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, say: give open connections time to end, do not spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let conn = http
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()))
            .with_upgrades();
        let mut open = open.clone();
        tokio::spawn(async move {
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = open.changed() => {
                    // Finish the request under way, then close; an idle connection closes now.
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(open);
        });
    }
    drop(open);
    let _ = closing.send(());
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, closing.closed()).await;
}

/// Sends the current errors at once, then every reload or error message.
async fn talk(mut socket: WebSocket, state: Arc<State>) {
    let mut events = state.events.subscribe();
    let errors = state.errors();
    if !errors.is_empty() {
        let msg = serde_json::json!({ "type": "errors", "errors": errors }).to_string();
        if socket.send(Message::Text(msg.into())).await.is_err() {
            return;
        }
    }
    loop {
        tokio::select! {
            ev = events.recv() => match ev {
                Ok(msg) => if socket.send(Message::Text(msg.into())).await.is_err() { return },
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    if socket.send(Message::Text(r#"{"type":"reload"}"#.into())).await.is_err() { return }
                }
                Err(_) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                _ => {}
            },
        }
    }
}

/// Turns a request path into a site-relative file path, or `None` when it could leave the
/// site: `..` segments (also percent-encoded), backslashes, NUL bytes, invalid UTF-8.
pub fn site_path(raw: &str) -> Option<String> {
    let decoded = percent_decode(raw)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut p = parts.join("/");
    if decoded.ends_with('/') && !p.is_empty() {
        p.push('/');
    }
    Some(p)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if path.ends_with("atom.xml") => "application/atom+xml; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The page with the reload script before `</body>` (or at the end).
fn inject(html: &[u8]) -> Vec<u8> {
    let script = format!("<script>{RELOAD_JS}</script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{script}").into_bytes(),
    }
}

fn respond(status: StatusCode, path: &str, bytes: &[u8]) -> Response {
    let ct = content_type(path);
    let body = if ct.starts_with("text/html") { inject(bytes) } else { bytes.to_vec() };
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn page(AxState(state): AxState<Arc<State>>, uri: Uri) -> Response {
    let Some(path) = site_path(uri.path()) else {
        return not_found(&state).await;
    };
    let file =
        if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.clone() };
    let snapshot = state.current();
    if !snapshot.contains(&file) {
        // `/people/xi` → `/people/xi/`, so relative links resolve as in the built site.
        let dir_index = format!("{path}/index.html");
        if !path.is_empty() && !path.ends_with('/') && snapshot.contains(&dir_index) {
            let mut to = format!("/{path}/");
            if let Some(q) = uri.query() {
                to.push('?');
                to.push_str(q);
            }
            return Response::builder()
                .status(StatusCode::PERMANENT_REDIRECT)
                .header(header::LOCATION, to)
                .body(Body::empty())
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
        return not_found(&state).await;
    }
    let file2 = file.clone();
    let got = tokio::task::spawn_blocking(move || snapshot.get(&file2)).await.ok().flatten();
    match got {
        Some(Ok(bytes)) => respond(StatusCode::OK, &file, &bytes),
        Some(Err(msg)) => {
            respond(StatusCode::INTERNAL_SERVER_ERROR, "error.html", error_page(&msg).as_bytes())
        }
        None => not_found(&state).await,
    }
}

async fn not_found(state: &Arc<State>) -> Response {
    let snapshot = state.current();
    let got = tokio::task::spawn_blocking(move || snapshot.get("404.html")).await.ok().flatten();
    match got {
        Some(Ok(bytes)) => respond(StatusCode::NOT_FOUND, "404.html", &with_root_base(&bytes)),
        _ => respond(
            StatusCode::NOT_FOUND,
            "404.html",
            b"<!doctype html><title>404</title><h1>404</h1></body>",
        ),
    }
}

/// The 404 page is served at any depth, but its links are relative to the site root, where
/// the server always is: a `<base href="/">` keeps its stylesheet and links working.
fn with_root_base(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.find("<head>") {
        Some(i) => {
            let at = i + "<head>".len();
            [&html[..at], b"\n<base href=\"/\">", &html[at..]].concat()
        }
        None => html.to_vec(),
    }
}

fn error_page(msg: &str) -> String {
    let esc = msg.replace('&', "&amp;").replace('<', "&lt;");
    format!("<!doctype html><meta charset=utf-8><title>dossier: error</title><pre>{esc}</pre></body>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_the_site() {
        assert_eq!(site_path("/people/xi-jinping/").as_deref(), Some("people/xi-jinping/"));
        assert_eq!(site_path("/").as_deref(), Some(""));
        assert_eq!(site_path("/a/./b").as_deref(), Some("a/b"));
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/a%5c..%5cb",
            "/x%00",
            "/%ff",
            "/%2",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
        assert_eq!(site_path("/K%C3%B6ln/").as_deref(), Some("Köln/"));
    }

    #[test]
    fn script_goes_before_body_end() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(out.contains("<p>x</p><script>"));
        assert!(out.ends_with("</script></body></html>"));
        let page =
            String::from_utf8(with_root_base(b"<html><head><title>404</title></head></html>")).unwrap();
        assert_eq!(page, "<html><head>\n<base href=\"/\"><title>404</title></head></html>");
    }
}
