//! Which requests the preview answers. Binding to loopback keeps other machines out but not
//! other web sites open in the author's browser: through DNS rebinding (a name of theirs
//! pointed at 127.0.0.1) they could read every page, withheld briefings included, and any
//! page could open the reload socket and receive the error lines, which quote briefings. So
//! the server answers only its own host names, and the reload socket only its own pages.

use axum::http::{HeaderMap, HeaderValue, header};
use std::net::{Ipv4Addr, Ipv6Addr};

/// The host names the server answers, besides loopback names and address literals.
#[derive(Debug, Clone, Default)]
pub struct Hosts {
    /// Lower case, without a trailing dot.
    names: Vec<String>,
}

impl Hosts {
    /// The names given with `--allow-host` and the one given with `--bind`.
    pub fn new(bind: &str, allowed: &[String]) -> Hosts {
        let names = allowed.iter().map(String::as_str).chain([bind]).map(normalise).collect();
        Hosts { names }
    }

    /// Checks a request's Host header: `Err` holds the reason to give the client.
    pub fn check(&self, host: Option<&HeaderValue>) -> Result<(), String> {
        let Some(value) = host else {
            return Err("dossier serve refused a request without a Host header: it answers only \
                        its own host names (localhost, IP addresses, names given with \
                        --allow-host NAME).\n"
                .to_string());
        };
        match value.to_str() {
            Ok(value) => self.check_host(value),
            Err(_) => {
                Err("dossier serve refused a request whose Host header is not a host name.\n".to_string())
            }
        }
    }

    /// Checks a host as a Host header or a request's absolute URL gives it (`name:port`).
    pub fn check_host(&self, value: &str) -> Result<(), String> {
        match host_name(value) {
            Some(name) if self.answers(name) => Ok(()),
            Some(name) => Err(format!(
                "dossier serve refused the host \"{name}\": it answers only its own host names \
                 (localhost, IP addresses, names given with --allow-host), so that other web sites \
                 cannot read the preview through DNS rebinding.\n\
                 If you opened the preview by this name, start it with --allow-host {name}\n"
            )),
            None => Err(format!("dossier serve refused the host \"{value}\": it is not a host name.\n")),
        }
    }

    fn answers(&self, name: &str) -> bool {
        if name.starts_with('[') {
            // `host_name` let it through only as a valid IPv6 literal.
            return true;
        }
        // Rebinding needs a name whose address its owner can change; an address is itself.
        if name.parse::<Ipv4Addr>().is_ok() {
            return true;
        }
        let name = normalise(name);
        // `localhost` and its subdomains resolve to loopback in browsers without asking DNS.
        name == "localhost" || name.ends_with(".localhost") || self.names.contains(&name)
    }
}

/// The host part of a Host header value (`name`, `name:port`, `[v6]`, `[v6]:port`), or
/// `None` when it is not one.
fn host_name(value: &str) -> Option<&str> {
    let (host, port) = if value.starts_with('[') {
        let end = value.find(']')? + 1;
        value[1..end - 1].parse::<Ipv6Addr>().ok()?;
        let rest = &value[end..];
        (&value[..end], if rest.is_empty() { None } else { Some(rest.strip_prefix(':')?) })
    } else {
        match value.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (value, None),
        }
    };
    let port_ok = port.is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit()));
    (!host.is_empty() && port_ok).then_some(host)
}

fn normalise(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    name.strip_suffix('.').map(str::to_string).unwrap_or(name)
}

/// Checks a `--allow-host` value: a bare host name, as a browser's address bar shows it.
pub fn parse_allowed_host(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        && s.bytes().any(|b| b != b'.');
    if ok {
        Ok(normalise(s))
    } else {
        Err(format!(
            "\"{s}\" is not a host name; give the name alone, such as dossier.test (no scheme, \
             port or path; localhost and IP addresses are always answered)"
        ))
    }
}

/// Whether a WebSocket handshake may open the reload socket: only the server's own pages,
/// whose origin is `http://` and the Host they were loaded from.
///
/// Browsers always send `Origin` on a WebSocket handshake and a page cannot remove or change
/// it, so a page of another site (or a sandboxed one, whose origin is `null`) is refused. A
/// handshake without it does not come from a browser page but from a program (the tests, the
/// reload benchmark) that can read the preview's pages anyway, so it is let in.
pub fn origin_allowed(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let (Ok(origin), Some(Ok(host))) = (origin.to_str(), headers.get(header::HOST).map(|h| h.to_str()))
    else {
        return false;
    };
    // Scheme and host are case-insensitive; browsers leave the default port out of both.
    origin.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("http://"))
        && origin.get(7..).is_some_and(|rest| rest.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(hosts: &Hosts, value: &str) -> bool {
        hosts.check(Some(&HeaderValue::from_str(value).unwrap())).is_ok()
    }

    #[test]
    fn own_names_and_addresses_are_answered() {
        let hosts = Hosts::new("preview.lan", &["dossier.test".to_string()]);
        for ok in [
            "localhost",
            "localhost:1111",
            "LOCALHOST.:1111",
            "a.b.localhost:80",
            "127.0.0.1:1111",
            "192.168.0.7",
            "[::1]:1111",
            "[::1]",
            "[fe80::1]:8080",
            "dossier.test:1111",
            "Dossier.Test.",
            "preview.lan:1111",
        ] {
            assert!(answered(&hosts, ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "sub.dossier.test",
            "[::1",
            "[evil.example]:1",
            "[::1]x",
            "localhost:port",
            ":1111",
            "",
        ] {
            assert!(!answered(&hosts, refused), "{refused}");
        }
        assert!(Hosts::default().check(None).unwrap_err().contains("--allow-host"));
        let reason = Hosts::default().check(Some(&HeaderValue::from_static("evil.example:1"))).unwrap_err();
        assert!(reason.contains("\"evil.example\"") && reason.contains("--allow-host evil.example\n"));
    }

    #[test]
    fn allowed_hosts_are_bare_names() {
        assert_eq!(parse_allowed_host("Dossier.Test.").as_deref(), Ok("dossier.test"));
        for bad in ["", ".", "http://x", "x:1", "x/y", "a b", "[::1]"] {
            assert!(parse_allowed_host(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_the_pages_own_origin_opens_the_socket() {
        let headers = |host: &str, origin: Option<&str>| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
            if let Some(o) = origin {
                h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
            }
            h
        };
        assert!(origin_allowed(&headers("127.0.0.1:1111", Some("http://127.0.0.1:1111"))));
        assert!(origin_allowed(&headers("LocalHost:1111", Some("HTTP://localhost:1111"))));
        assert!(origin_allowed(&headers("127.0.0.1:1111", None)));
        for other in
            ["null", "http://evil.example", "http://127.0.0.1:2222", "https://127.0.0.1:1111", "http://"]
        {
            assert!(!origin_allowed(&headers("127.0.0.1:1111", Some(other))), "{other}");
        }
    }
}
