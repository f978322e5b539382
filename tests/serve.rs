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
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(fixture: &str) -> Server {
    let site = Site::copy(fixture);
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["serve", "--port", "0", "--root", site.root().to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr =
        line.split("http://").nth(1).and_then(|r| r.split('/').next()).expect("address printed").to_string();
    Server { child, addr, site }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

fn get(addr: &str, path: &str) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
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
    let (mut socket, _) = tungstenite::connect(format!("ws://{addr}/__dossier/ws")).unwrap();
    if let tungstenite::stream::MaybeTlsStream::Plain(s) = socket.get_mut() {
        s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    }
    socket
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
    // A `git checkout` or a restore from backup: the whole folder goes and comes back.
    let srv = start("basic");
    let mut socket = ws(&srv.addr);
    let content = srv.site.root().join("content");
    let backup = srv.site.root().join("backup");
    copy_dir(&content, &backup);
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
    let second = next(&mut socket, "errors")["errors"].clone();
    assert_eq!(second, first);
    // A new briefing in the deleted one's place, then a save of a withheld one: the list of
    // published briefings looks as it did before the deletion, but the link is still broken.
    srv.site.write("content/briefings/2025/stand-in.md", "---\ntitle: Stand-in\ndate: 2025-09-04\n---\nx\n");
    assert!(next(&mut socket, "errors")["errors"].to_string().contains("parade.md:16:"));
    let secret = "content/briefings/2025/secret.md";
    let text = std::fs::read_to_string(srv.site.root().join(secret)).unwrap();
    srv.site.write(secret, &format!("{text}\nMore.\n"));
    let third = next(&mut socket, "errors")["errors"].clone();
    assert!(third.to_string().contains("parade.md:16:"), "{third}");
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
    next(&mut socket, "errors");
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
