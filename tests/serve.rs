//! `dossier serve` over real HTTP and the real WebSocket: pages, edits, renames, deletions,
//! broken saves and recovery, and paths that try to leave the site.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    addr: String,
    site: Site,
    /// The server's stderr (rebuild times, error lines), outside the watched site.
    log: tempfile::NamedTempFile,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn port(&self) -> &str {
        self.addr.rsplit(':').next().unwrap()
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap()
    }
}

fn start(fixture: &str) -> Server {
    start_with(fixture, &[])
}

fn start_with(fixture: &str, args: &[&str]) -> Server {
    start_in(Site::copy(fixture), args)
}

/// `serve` on a site prepared by the test.
fn start_in(site: Site, args: &[&str]) -> Server {
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["serve", "--port", "0", "--root", site.root().to_str().unwrap()])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(log.reopen().unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr =
        line.split("http://").nth(1).and_then(|r| r.split('/').next()).expect("address printed").to_string();
    Server { child, addr, site, log }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

fn get(addr: &str, path: &str) -> Reply {
    request(addr, &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n"))
}

/// Sends `head` (request line and headers, each ending in CRLF) and reads the whole reply.
fn request(addr: &str, head: &str) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(s, "{head}Connection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).unwrap_or("0").parse().unwrap();
    // The test client asks for no chunking, but be safe: de-chunk if needed.
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_string()
    };
    Reply { status, headers: head.to_string(), body }
}

/// `path` requested with the given Host header (`None`: none at all).
fn get_as(addr: &str, host: Option<&str>, path: &str) -> Reply {
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    request(addr, &format!("GET {path} HTTP/1.1\r\n{host}"))
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&after[..n]);
        rest = &after[n + 2..];
    }
    out
}

type Ws = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>;

fn ws(addr: &str) -> Ws {
    ws_from(addr, None).unwrap()
}

/// The reload socket, opened with the given `Origin` header (`None`: none, as tungstenite does).
fn ws_from(addr: &str, origin: Option<&str>) -> Result<Ws, tungstenite::Error> {
    use tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{addr}/__dossier/ws").into_client_request().unwrap();
    if let Some(o) = origin {
        req.headers_mut().insert("Origin", o.parse().unwrap());
    }
    let (mut socket, _) = tungstenite::connect(req)?;
    if let tungstenite::stream::MaybeTlsStream::Plain(s) = socket.get_mut() {
        s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    }
    Ok(socket)
}

/// Every message that arrives within `window`.
fn collect(socket: &mut Ws, window: Duration) -> Vec<serde_json::Value> {
    let until = Instant::now() + window;
    let mut got = Vec::new();
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        if let tungstenite::stream::MaybeTlsStream::Plain(s) = socket.get_mut() {
            s.set_read_timeout(Some(left.max(Duration::from_millis(1)))).unwrap();
        }
        if let Ok(tungstenite::Message::Text(t)) = socket.read() {
            got.push(serde_json::from_str(&t).unwrap());
        }
    }
    if let tungstenite::stream::MaybeTlsStream::Plain(s) = socket.get_mut() {
        s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    }
    got
}

/// The next message of the given type.
fn next(socket: &mut Ws, kind: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Ok(tungstenite::Message::Text(t)) = socket.read() {
            let v: serde_json::Value = serde_json::from_str(&t).unwrap();
            if v["type"] == kind {
                return v;
            }
        }
    }
    panic!("no {kind} message");
}

const SCRIPT_START: &str = "<script>(() => {\n  // dossier serve";

#[test]
fn serves_the_same_pages_as_build_plus_a_reload_script() {
    let srv = start("basic");
    let built = Site::copy("basic");
    built.build(&[]);
    for page in ["", "briefings/xi-kim/", "people/kim-jong-un/", "countries/kp/", "timeline/", "sources/"] {
        let r = get(&srv.addr, &format!("/{page}"));
        assert_eq!(r.status, 200, "{page}");
        assert!(r.headers.to_ascii_lowercase().contains("content-type: text/html; charset=utf-8"));
        let start = r.body.find(SCRIPT_START).expect("reload script injected");
        let end = start + r.body[start..].find("</script>").unwrap() + "</script>".len();
        let served = format!("{}{}", &r.body[..start], &r.body[end..]);
        let file = std::fs::read_to_string(built.public().join(page).join("index.html")).unwrap();
        assert_eq!(served, file, "{page} differs from build output");
    }
    let css = get(&srv.addr, "/style.css");
    assert_eq!(css.status, 200);
    assert!(css.headers.contains("text/css"));
    let feed = get(&srv.addr, "/atom.xml");
    assert!(feed.headers.contains("application/atom+xml") && !feed.body.contains("<script>"));
    // Pretty URLs: without the slash, a redirect to the slash.
    let r = get(&srv.addr, "/people/kim-jong-un");
    assert_eq!(r.status, 308);
    assert!(
        r.headers.contains("location: /people/kim-jong-un/")
            || r.headers.contains("Location: /people/kim-jong-un/"),
        "{}",
        r.headers
    );
    let missing = get(&srv.addr, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("404") || missing.body.contains("not found"), "theme 404 page");
    // Served three folders deep, its root-relative links need the server's root as base.
    assert!(missing.body.contains("<base href=\"/\">"), "{}", missing.body);
}

/// The basic fixture with one briefing a page and a year before our era: paged lists, year
/// and publisher pages.
fn paged_basic() -> Site {
    let s = Site::copy("basic");
    let toml = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    s.write("site.toml", &toml.replace("[extra]", "paginate = 1\n\n[extra]"));
    s.write(
        "content/briefings/2025/old.md",
        "---\ntitle: Old\ndate: 2024-01-01\nactors: [Kim Jong Un]\nevents:\n  - {date: \"-0500\", title: Long ago}\n  - {date: 196X, title: A decade}\nsources:\n  - {id: a, publisher: Xinhua, url: \"https://example.org/old\"}\n---\nOld.\n",
    );
    s
}

#[test]
fn serves_every_output_as_build_writes_it() {
    let built = paged_basic();
    built.build(&[]);
    let srv = start_in(paged_basic(), &[]);
    let files = snapshot(&built.public());
    assert!(
        files.contains_key("timeline/-0500/index.html") && files.contains_key("briefings/page/4/index.html")
    );
    for (rel, bytes) in &files {
        if rel == ".dossier-manifest" {
            continue;
        }
        let path = format!("/{}", rel.strip_suffix("index.html").unwrap_or(rel));
        let r = get(&srv.addr, &path);
        assert_eq!(r.status, 200, "{path}");
        let served = match r.body.find(SCRIPT_START) {
            Some(start) if rel.ends_with(".html") => {
                let end = start + r.body[start..].find("</script>").unwrap() + "</script>".len();
                format!("{}{}", &r.body[..start], &r.body[end..])
            }
            _ => r.body.clone(),
        };
        assert!(served == String::from_utf8_lossy(bytes), "{path} differs from build output");
    }
    for nothing in ["/briefings/page/1/", "/briefings/page/5/", "/timeline/-500/", "/sitemap-1.xml"] {
        assert_eq!(get(&srv.addr, nothing).status, 404, "{nothing}");
    }
}

/// Every file of the search index the server answers, against the same files of `built`.
fn assert_serves_index_as_built(srv: &Server, built: &Site) {
    let index = snapshot(&built.public().join("search"));
    assert!(index.contains_key("meta.js") && index.contains_key("idx/0.js"), "{:?}", index.keys());
    for (rel, bytes) in &index {
        let path = format!("/search/{}", rel.strip_suffix("index.html").unwrap_or(rel));
        let r = get(&srv.addr, &path);
        assert_eq!(r.status, 200, "{path}");
        let body = match r.body.find(SCRIPT_START) {
            Some(start) if rel.ends_with(".html") => {
                let end = start + r.body[start..].find("</script>").unwrap() + "</script>".len();
                format!("{}{}", &r.body[..start], &r.body[end..])
            }
            _ => r.body.clone(),
        };
        assert!(body == String::from_utf8_lossy(bytes), "{path} differs from build output");
    }
}

#[test]
fn serves_the_search_index_as_build_writes_it_and_after_each_save() {
    let srv = start("basic");
    assert_serves_index_as_built(&srv, &{
        let b = Site::copy("basic");
        b.build(&[]);
        b
    });
    let mut socket = ws(&srv.addr);
    let path = "content/briefings/2025/xi-kim.md";
    let text = std::fs::read_to_string(srv.site.root().join(path)).unwrap();
    let edited = text.replace("Xi and Kim meet in Beijing", "Xi and Kim meet Quokkafrost");
    srv.site.write(path, &edited);
    next(&mut socket, "reload");
    assert!(get(&srv.addr, "/search/doc/0.js").body.contains("Quokkafrost"));
    let b = Site::copy("basic");
    b.write(path, &edited);
    b.build(&[]);
    assert_serves_index_as_built(&srv, &b);
    assert_eq!(get(&srv.addr, "/search/idx/99.js").status, 404, "no such shard");
}

#[test]
fn nothing_outside_the_site_is_served() {
    let srv = start("basic");
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", srv.site.root().join("static/passwd")).unwrap();
    for path in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E%2Fsite.toml",
        "/..%2fsite.toml",
        "/static/../../site.toml",
        "/content/briefings/2025/xi-kim.md",
        "/site.toml",
        "/passwd",
        "/%00",
    ] {
        let r = get(&srv.addr, path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.body.contains("base_url") && !r.body.contains("root:"), "{path} leaked");
    }
}

#[test]
fn edits_reload_with_the_new_content() {
    let srv = start("basic");
    let mut socket = ws(&srv.addr);
    let path = "content/briefings/2025/xi-kim.md";
    let text = std::fs::read_to_string(srv.site.root().join(path)).unwrap();
    srv.site.write(path, &text.replace("Xi and Kim meet in Beijing", "Xi and Kim meet again"));
    next(&mut socket, "reload");
    assert!(get(&srv.addr, "/briefings/xi-kim/").body.contains("Xi and Kim meet again"));
    assert!(get(&srv.addr, "/people/xi-jinping/").body.contains("Xi and Kim meet again"));

    // Removing an actor removes the briefing from that person's page.
    let text = std::fs::read_to_string(srv.site.root().join(path)).unwrap();
    srv.site.write(path, &text.replace("  - {ref: Ramon Pacheco Pardo, role: Analyst}\n", ""));
    next(&mut socket, "reload");
    assert_eq!(get(&srv.addr, "/people/ramon-pacheco-pardo/").status, 404, "no briefing names him any more");
    assert!(!get(&srv.addr, "/briefings/xi-kim/").body.contains("Pacheco"));
}

#[test]
fn new_deleted_and_rename_saved_files() {
    let srv = start("basic");
    let mut socket = ws(&srv.addr);
    srv.site.write(
        "content/briefings/new/fresh.md",
        "---\ntitle: Fresh briefing\ndate: 2025-10-01\nactors: [Brand New Person]\n---\nNew.\n",
    );
    next(&mut socket, "reload");
    assert!(get(&srv.addr, "/briefings/fresh/").body.contains("Fresh briefing"));
    assert_eq!(get(&srv.addr, "/people/brand-new-person/").status, 200);
    assert!(get(&srv.addr, "/briefings/").body.contains("Fresh briefing"));

    // An editor's save: write a temporary file, rename it over the original.
    let dir = srv.site.root().join("content/briefings/new");
    std::fs::write(dir.join(".fresh.md.tmp"), "---\ntitle: Renamed save\ndate: 2025-10-01\n---\n").unwrap();
    std::fs::rename(dir.join(".fresh.md.tmp"), dir.join("fresh.md")).unwrap();
    next(&mut socket, "reload");
    assert!(get(&srv.addr, "/briefings/fresh/").body.contains("Renamed save"));
    assert_eq!(get(&srv.addr, "/people/brand-new-person/").status, 404);

    std::fs::remove_file(dir.join("fresh.md")).unwrap();
    next(&mut socket, "reload");
    assert_eq!(get(&srv.addr, "/briefings/fresh/").status, 404);
    assert!(!get(&srv.addr, "/briefings/").body.contains("Renamed save"));

    // A whole folder at once (a `git checkout`).
    std::fs::remove_dir_all(srv.site.root().join("content/briefings/2025")).unwrap();
    next(&mut socket, "reload");
    assert_eq!(get(&srv.addr, "/briefings/xi-kim/").status, 404);
}

#[test]
fn a_recreated_content_folder_is_watched_again() {
    // A `git checkout` or a restore from backup: the whole folder goes and comes back, a little
    // different (the same files again would give nothing to reload).
    let srv = start("basic");
    let mut socket = ws(&srv.addr);
    let content = srv.site.root().join("content");
    let backup = srv.site.root().join("backup");
    copy_dir(&content, &backup);
    let trade = backup.join("briefings/2025/trade.md");
    std::fs::write(&trade, std::fs::read_to_string(&trade).unwrap() + "\nRestored.\n").unwrap();
    std::fs::remove_dir_all(&content).unwrap();
    copy_dir(&backup, &content);
    next(&mut socket, "reload");
    // The restore may come in several batches; wait for the edit's page, not for a message.
    let path = "content/briefings/2025/xi-kim.md";
    let text = std::fs::read_to_string(srv.site.root().join(path)).unwrap();
    srv.site.write(path, &text.replacen("title: \"", "title: \"Restored and edited: ", 1));
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while !get(&srv.addr, "/briefings/xi-kim/").body.contains("Restored and edited") {
        assert!(std::time::Instant::now() < deadline, "the edit after the restore was never picked up");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn broken_save_shows_errors_and_keeps_the_last_good_pages() {
    let srv = start("basic");
    let mut socket = ws(&srv.addr);
    let path = "content/briefings/2025/parade.md";
    let good = std::fs::read_to_string(srv.site.root().join(path)).unwrap();
    srv.site.write(path, &good.replace("countries: [China, Russia, KP]", "countries: [China, Atlantis, KP]"));
    let msg = next(&mut socket, "errors");
    let errors: Vec<String> =
        msg["errors"].as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_string()).collect();
    assert_eq!(errors, ["content/briefings/2025/parade.md:8:20: error: unknown country \"Atlantis\""]);
    // Still serving the last good site.
    assert!(get(&srv.addr, "/briefings/parade/").body.contains("The Beijing parade"));
    // A page opened now gets the errors at once.
    let mut late = ws(&srv.addr);
    assert_eq!(next(&mut late, "errors")["errors"][0], errors[0].as_str());
    // YAML syntax errors too, with their line.
    srv.site.write(path, "---\ntitle: [broken\n---\n");
    let msg = next(&mut socket, "errors");
    assert!(msg["errors"][0].as_str().unwrap().starts_with("content/briefings/2025/parade.md:2:"), "{msg}");
    // Fixing it reloads and clears the overlay.
    srv.site.write(path, &good);
    next(&mut socket, "reload");
    let mut fresh = ws(&srv.addr);
    srv.site.write(path, &good.replace("The Beijing parade", "The parade, fixed"));
    let v = next(&mut fresh, "reload");
    assert_eq!(v["type"], "reload", "no stale errors before the reload");
    assert!(get(&srv.addr, "/briefings/parade/").body.contains("The parade, fixed"));
}

/// A sync point after saves that leave the error list as it was (and so send nothing): saves a
/// page with an error naming `n` and returns the first error list that shows it, checking that
/// no reload came before it.
fn marked(srv: &Server, socket: &mut Ws, n: u32) -> String {
    srv.site.write("content/pages/marker.md", &format!("---\ntitle: Marker\nmarker{n}: x\n---\n"));
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Ok(tungstenite::Message::Text(t)) = socket.read() {
            let v: serde_json::Value = serde_json::from_str(&t).unwrap();
            assert_ne!(v["type"], "reload", "a reload while errors remain");
            let errors = v["errors"].to_string();
            if errors.contains(&format!("marker{n}")) {
                return errors;
            }
        }
    }
    panic!("marker {n} never reported");
}

#[test]
fn errors_stay_listed_until_fixed_whatever_is_saved_meanwhile() {
    let srv = start("basic");
    let mut socket = ws(&srv.addr);
    // parade.md links to [[xi-kim]]: deleting xi-kim breaks that link.
    let xi_kim = srv.site.root().join("content/briefings/2025/xi-kim.md");
    let kept = std::fs::read_to_string(&xi_kim).unwrap();
    std::fs::remove_file(&xi_kim).unwrap();
    let first = next(&mut socket, "errors")["errors"].clone();
    assert!(first.to_string().contains("parade.md:16:"), "{first}");
    // An unrelated save must not make the broken link disappear from the overlay.
    let trade = "content/briefings/2025/trade.md";
    let text = std::fs::read_to_string(srv.site.root().join(trade)).unwrap();
    srv.site.write(trade, &format!("{text}\nOne more line.\n"));
    assert!(marked(&srv, &mut socket, 1).contains("parade.md:16:"));
    // A new briefing in the deleted one's place, then a save of a withheld one: the list of
    // published briefings looks as it did before the deletion, but the link is still broken.
    srv.site.write("content/briefings/2025/stand-in.md", "---\ntitle: Stand-in\ndate: 2025-09-04\n---\nx\n");
    assert!(marked(&srv, &mut socket, 2).contains("parade.md:16:"));
    let secret = "content/briefings/2025/secret.md";
    let text = std::fs::read_to_string(srv.site.root().join(secret)).unwrap();
    srv.site.write(secret, &format!("{text}\nMore.\n"));
    let third = marked(&srv, &mut socket, 3);
    assert!(third.contains("parade.md:16:"), "{third}");
    std::fs::remove_file(srv.site.root().join("content/pages/marker.md")).unwrap();
    std::fs::write(&xi_kim, kept).unwrap();
    next(&mut socket, "reload");
}

#[test]
fn a_page_skipped_for_a_while_is_checked_again() {
    let srv = start("basic");
    let mut socket = ws(&srv.addr);
    srv.site.write("content/pages/about.md", "---\ntitle: About\n---\nSee [[trade]].\n");
    next(&mut socket, "reload");
    // A second page on the same URL: both are left out while the clash lasts…
    srv.site.write("content/pages/about-too.md", "---\ntitle: Also\nslug: about\n---\nx\n");
    next(&mut socket, "errors");
    // …and meanwhile the briefing the first one links to goes.
    std::fs::remove_file(srv.site.root().join("content/briefings/2025/trade.md")).unwrap();
    marked(&srv, &mut socket, 1);
    std::fs::remove_file(srv.site.root().join("content/pages/about-too.md")).unwrap();
    let errors = next(&mut socket, "errors")["errors"].to_string();
    assert!(errors.contains("content/pages/about.md:4:7"), "{errors}");
}

#[test]
fn template_changes_rerender_without_restart() {
    let srv = start("basic");
    let mut socket = ws(&srv.addr);
    srv.site.write("templates/404.html", "CUSTOM 404 {{ common.site.title }}");
    next(&mut socket, "reload");
    assert!(get(&srv.addr, "/missing/").body.starts_with("CUSTOM 404 Test Dossier"));
}

/// The status of a WebSocket handshake on the reload path with the given Host and Origin.
fn handshake_status(addr: &str, host: &str, origin: Option<&str>) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let origin = origin.map(|o| format!("Origin: {o}\r\n")).unwrap_or_default();
    write!(
        s,
        "GET /__dossier/ws HTTP/1.1\r\nHost: {host}\r\n{origin}Upgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .unwrap();
    let mut line = String::new();
    BufReader::new(s).read_line(&mut line).unwrap();
    line.split_whitespace().nth(1).unwrap_or("0").parse().unwrap()
}

#[test]
fn foreign_hosts_are_refused_on_every_path() {
    // DNS rebinding: another site's name pointed at 127.0.0.1 makes the browser send its Host.
    let srv = start("basic");
    let port = srv.port();
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("127.0.0.1.nip.io:{port}"),
        format!("localhost.evil.example:{port}"),
    ] {
        let name = host.split(':').next().unwrap();
        for path in [
            "/",
            "/briefings/xi-kim/",
            "/people/kim-jong-un",
            "/no/such/page/",
            "/style.css",
            "/__dossier/ws",
        ] {
            let r = get_as(&srv.addr, Some(&host), path);
            assert_eq!(r.status, 403, "{host} {path}");
            assert!(r.headers.to_ascii_lowercase().contains("content-type: text/plain"), "{}", r.headers);
            assert!(r.body.contains(name) && r.body.contains(&format!("--allow-host {name}")), "{}", r.body);
            assert!(!r.body.contains("Beijing") && !r.headers.to_ascii_lowercase().contains("location:"));
        }
        assert_eq!(handshake_status(&srv.addr, &host, Some(&format!("http://{host}"))), 403, "{host}");
    }
    let r = get_as(&srv.addr, None, "/");
    assert_eq!(r.status, 403);
    assert!(r.body.contains("Host") && r.body.contains("--allow-host"), "{}", r.body);
    // The same server answers its own name.
    assert_eq!(get(&srv.addr, "/briefings/xi-kim/").status, 200);
}

#[test]
fn loopback_names_ip_literals_and_allowed_hosts_are_answered() {
    let srv = start_with("basic", &["--allow-host", "dossier.test", "--allow-host", "Preview.Example"]);
    let port = srv.port();
    for host in [
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("app.localhost:{port}"),
        "localhost".to_string(),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        // Any address literal: rebinding needs a name the attacker controls.
        format!("10.1.2.3:{port}"),
        format!("dossier.test:{port}"),
        format!("preview.example:{port}"),
    ] {
        let r = get_as(&srv.addr, Some(&host), "/briefings/xi-kim/");
        assert_eq!(r.status, 200, "{host}");
        assert!(r.body.contains("Xi and Kim meet in Beijing"), "{host}");
        assert_eq!(get_as(&srv.addr, Some(&host), "/no/such/page/").status, 404, "{host}");
        assert_eq!(handshake_status(&srv.addr, &host, Some(&format!("http://{host}"))), 101, "{host}");
    }
    for host in [format!("other.test:{port}"), format!("sub.dossier.test:{port}")] {
        assert_eq!(get_as(&srv.addr, Some(&host), "/").status, 403, "{host}");
    }
}

#[test]
fn an_allowed_host_must_be_a_name() {
    for bad in ["http://dossier.test", "dossier.test:1111", "", "a b"] {
        let out = dossier(&["serve", "--port", "0", "--allow-host", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).contains("is not a host name"), "{bad}: {}", stderr(&out));
    }
}

#[test]
fn the_reload_socket_answers_only_its_own_pages() {
    let srv = start("basic");
    let port = srv.port();
    // Errors that quote a briefing are what another site must not read.
    let path = "content/briefings/2025/parade.md";
    let good = std::fs::read_to_string(srv.site.root().join(path)).unwrap();
    let mut own = ws_from(&srv.addr, Some(&format!("http://{}", srv.addr))).unwrap();
    srv.site.write(path, &good.replace("countries: [China, Russia, KP]", "countries: [China, Atlantis, KP]"));
    next(&mut own, "errors");
    for origin in [
        "http://evil.example".to_string(),
        format!("http://evil.example:{port}"),
        "null".to_string(),
        // Another port on the same machine is another origin (another local app).
        "http://127.0.0.1:1".to_string(),
        format!("http://localhost:{port}"),
        format!("https://{}", srv.addr),
        format!("http://{}.evil.example", srv.addr),
    ] {
        match ws_from(&srv.addr, Some(&origin)) {
            Err(tungstenite::Error::Http(reply)) => assert_eq!(reply.status(), 403, "{origin}"),
            Err(e) => panic!("{origin}: {e}"),
            Ok(_) => panic!("{origin} was let in"),
        }
    }
    // The page's own origin (any case, as the Host header has it) gets the errors and reloads.
    let mut upper = ws_from(&srv.addr, Some(&format!("HTTP://{}", srv.addr))).unwrap();
    assert!(next(&mut upper, "errors")["errors"].to_string().contains("Atlantis"));
    srv.site.write(path, &good);
    next(&mut own, "reload");
    next(&mut upper, "reload");
}

#[test]
fn a_client_that_never_finishes_its_request_is_dropped() {
    let srv = start("basic");
    let mut slow = TcpStream::connect(&srv.addr).unwrap();
    slow.write_all(b"GET / HT").unwrap();
    let started = Instant::now();
    // Others are served meanwhile.
    assert_eq!(get(&srv.addr, "/").status, 200);
    slow.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut raw = Vec::new();
    match slow.read_to_end(&mut raw) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("still open after {:?}: {e}", started.elapsed()),
    }
    assert!(started.elapsed() < Duration::from_secs(15), "dropped only after {:?}", started.elapsed());
    assert!(!String::from_utf8_lossy(&raw).contains(" 200 "));
}

/// A save the way `sed -i` makes it: a new file beside the old one, then a rename over it.
fn sed_save(site: &Site, rel: &str, text: &str) {
    let target = site.root().join(rel);
    let tmp = target.with_file_name("sedX1y2Z3");
    std::fs::write(&tmp, text).unwrap();
    std::fs::set_permissions(&tmp, std::fs::metadata(&target).unwrap().permissions()).unwrap();
    std::fs::rename(&tmp, &target).unwrap();
}

const QUIET: Duration = Duration::from_millis(1500);

#[test]
fn one_save_gives_one_message() {
    let srv = start("basic");
    let mut socket = ws(&srv.addr);
    let path = "content/briefings/2025/xi-kim.md";
    let good = std::fs::read_to_string(srv.site.root().join(path)).unwrap();
    sed_save(&srv.site, path, &good.replace("Xi and Kim meet in Beijing", "Xi and Kim meet by sed"));
    assert_eq!(collect(&mut socket, QUIET), [serde_json::json!({"type": "reload"})]);
    assert!(get(&srv.addr, "/briefings/xi-kim/").body.contains("Xi and Kim meet by sed"));

    let broken = good.replace("Xi and Kim meet in Beijing", "Xi and Kim meet by sed").replacen(
        "---\n",
        "---\nzz: 1\n",
        1,
    );
    sed_save(&srv.site, path, &broken);
    let got = collect(&mut socket, QUIET);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["type"], "errors");
    let line = got[0]["errors"][0].as_str().unwrap().to_string();
    assert!(line.contains("xi-kim.md:2:1"), "{line}");
    assert_eq!(srv.stderr().matches(&line).count(), 1, "{}", srv.stderr());
}

#[test]
fn saves_that_change_nothing_send_nothing() {
    let srv = start("basic");
    let mut socket = ws(&srv.addr);
    let root = srv.site.root();
    // A new empty folder, a folder's permissions, the same bytes saved again in every watched
    // place: what is served cannot differ.
    std::fs::create_dir(root.join("content/briefings/later")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = root.join("content/briefings/2025");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).unwrap();
    }
    let path = "content/briefings/2025/xi-kim.md";
    let text = std::fs::read_to_string(root.join(path)).unwrap();
    sed_save(&srv.site, path, &text);
    for same in ["site.toml", "static/robots.txt"] {
        std::fs::write(root.join(same), std::fs::read(root.join(same)).unwrap()).unwrap();
    }
    assert_eq!(collect(&mut socket, QUIET), [] as [serde_json::Value; 0]);
    // A real change still reloads, once.
    srv.site.write(path, &text.replace("Xi and Kim meet in Beijing", "Xi and Kim meet once"));
    assert_eq!(collect(&mut socket, QUIET), [serde_json::json!({"type": "reload"})]);
}

#[test]
fn an_unchanged_error_list_is_not_sent_or_printed_again() {
    let srv = start("basic");
    let mut socket = ws(&srv.addr);
    let parade = "content/briefings/2025/parade.md";
    let good = std::fs::read_to_string(srv.site.root().join(parade)).unwrap();
    srv.site
        .write(parade, &good.replace("countries: [China, Russia, KP]", "countries: [China, Atlantis, KP]"));
    let first = next(&mut socket, "errors")["errors"][0].as_str().unwrap().to_string();
    // An unrelated save leaves the same errors: nothing new to show.
    let trade = "content/briefings/2025/trade.md";
    let text = std::fs::read_to_string(srv.site.root().join(trade)).unwrap();
    srv.site.write(trade, &format!("{text}\nOne more line.\n"));
    assert_eq!(collect(&mut socket, QUIET), [] as [serde_json::Value; 0]);
    assert_eq!(srv.stderr().matches(&first).count(), 1, "{}", srv.stderr());
    // A page opened now still gets them.
    assert_eq!(next(&mut ws(&srv.addr), "errors")["errors"][0], first.as_str());
    // Fixed: one reload.
    srv.site.write(parade, &good);
    assert_eq!(collect(&mut socket, QUIET), [serde_json::json!({"type": "reload"})]);
}

#[test]
fn a_broken_site_toml_stays_listed_until_fixed() {
    let srv = start("basic");
    let mut socket = ws(&srv.addr);
    let config = std::fs::read_to_string(srv.site.root().join("site.toml")).unwrap();
    srv.site.write("site.toml", &config.replace("publish_tlp = \"green\"", "publish_tlp = \"purple\""));
    let errors = next(&mut socket, "errors")["errors"].to_string();
    assert!(errors.contains("site.toml:"), "{errors}");
    // A good save elsewhere is built with the last good settings, but must not clear the error.
    let trade = "content/briefings/2025/trade.md";
    let text = std::fs::read_to_string(srv.site.root().join(trade)).unwrap();
    srv.site.write(trade, &format!("{text}\nOne more line.\n"));
    assert_eq!(collect(&mut socket, QUIET), [] as [serde_json::Value; 0]);
    srv.site.write("site.toml", &config);
    next(&mut socket, "reload");
    assert!(get(&srv.addr, "/briefings/trade/").body.contains("One more line."));
}
