//! Which `Host` a request to `ssox serve` may name: the address the connection came in on, with
//! the server's port. A page in a browser that an attacker's DNS name points at 127.0.0.1 (DNS
//! rebinding) sends its own name there, so it is refused whatever token it found. Allowed:
//! `localhost` and the loopback addresses on a loopback connection, and the connection's own
//! address (the bound one, or the one a server on every address was reached at); a port must be
//! the server's (no port: 80). Pure: no I/O.

use std::net::{IpAddr, SocketAddr};

/// Whether `host` (a `Host` header's value) names `local`, the server's end of the connection.
pub fn allowed(host: &[u8], local: SocketAddr) -> bool {
    let Ok(host) = std::str::from_utf8(host) else {
        return false;
    };
    let Some((name, port)) = split(host) else {
        return false;
    };
    if port != local.port() {
        return false;
    }
    let local_ip = local.ip().to_canonical();
    if name.eq_ignore_ascii_case("localhost") {
        return local_ip.is_loopback();
    }
    let bare = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    // An IPv6 address is only ever named in brackets.
    let Ok(ip) = bare.parse::<IpAddr>() else {
        return false;
    };
    if ip.is_ipv6() == (bare.len() == name.len()) {
        return false;
    }
    let ip = ip.to_canonical();
    ip == local_ip || (ip.is_loopback() && local_ip.is_loopback())
}

/// `name` and port of a `Host` value (`[::1]:80`, `localhost`, `127.0.0.1:9911`).
fn split(host: &str) -> Option<(&str, u16)> {
    let (name, port) = match host.rfind(':') {
        Some(i) if !host.ends_with(']') => (host.get(..i)?, host.get(i + 1..)?),
        _ => (host, "80"),
    };
    if name.is_empty() || port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((name, port.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(host: &str, local: &str) -> bool {
        allowed(host.as_bytes(), local.parse().unwrap())
    }

    #[test]
    fn the_address_listened_on_with_its_port() {
        for host in [
            "127.0.0.1:9911",
            "localhost:9911",
            "LocalHost:9911",
            "[::1]:9911",
            "127.0.0.2:9911",
        ] {
            assert!(ok(host, "127.0.0.1:9911"), "{host}");
        }
        assert!(ok("[::1]:9911", "[::1]:9911"));
        assert!(ok("127.0.0.1:9911", "[::ffff:127.0.0.1]:9911"));
        assert!(ok("169.254.170.2:9911", "169.254.170.2:9911"));
        assert!(ok("192.168.1.10:80", "192.168.1.10:80"));
        assert!(ok("192.168.1.10", "192.168.1.10:80"));
        assert!(ok("localhost", "127.0.0.1:80"));
    }

    #[test]
    fn any_other_name_address_or_port_is_refused() {
        for host in [
            "attacker.example:9911",
            "localhost.attacker.example:9911",
            "localhost.:9911",
            "127.0.0.1:9912",
            "127.0.0.1",
            "127.0.0.1:",
            "127.0.0.1:+9911",
            "127.0.0.1:99110",
            "192.168.1.10:9911",
            "::1:9911",
            "[127.0.0.1]:9911",
            "[::1]",
            "",
            ":9911",
            "127.1:9911",
            "0x7f.0.0.1:9911",
        ] {
            assert!(!ok(host, "127.0.0.1:9911"), "{host}");
        }
        assert!(!allowed(
            b"127.0.0.1:\xff",
            "127.0.0.1:9911".parse().unwrap()
        ));
        // Beyond loopback, neither localhost nor a loopback address names the server.
        assert!(!ok("localhost:80", "192.168.1.10:80"));
        assert!(!ok("127.0.0.1:80", "192.168.1.10:80"));
        assert!(!ok("192.168.1.11:80", "192.168.1.10:80"));
    }
}
