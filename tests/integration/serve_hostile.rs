//! `ssox serve` and `exec --server` against hostile clients (issue 20): a token limited to one
//! profile, a DNS-rebinding `Host`, a token file others can read or own, and slow or idle
//! connections that must not delay a client with the token.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::serve::{log_lines, serve, serve_as};
use crate::support::signed_in::Env;
use crate::support::*;

/// The role names the fake was asked for, in order.
fn roles_fetched(env: &Env) -> Vec<String> {
    env.fake
        .requests()
        .iter()
        .filter(|r| r.op == "GetRoleCredentials")
        .map(|r| r.query_param("role_name").unwrap_or_default())
        .collect()
}

const NOT_SERVED_RO: &str =
    r#"{"code":"ProfileNotServed","message":"this server serves only the profile blog_ro"}"#;

#[test]
fn serve_profile_serves_that_profile_only_and_plain_serve_any() {
    let env = Env::new();
    let s = serve(&env, &["--profile", "blog_ro", "--print-env"]);
    let bearer = s.token();
    assert_eq!(
        s.get("/profiles/blog_admin", Some(&bearer)),
        (404, NOT_SERVED_RO.to_string())
    );
    // Not even a profile that does not exist is looked up.
    assert_eq!(
        s.get("/profiles/nope", Some(&bearer)),
        (404, NOT_SERVED_RO.to_string())
    );
    assert_eq!(roles_fetched(&env), Vec::<String>::new());
    assert_eq!(s.get("/profiles/blog_ro", Some(&bearer)).0, 200);
    assert_eq!(s.get("/", Some(&bearer)).0, 200);
    assert_eq!(roles_fetched(&env), ["ReadOnlyAccess"]);
    let (status, log) = s.stop("TERM");
    assert_eq!(status.code(), Some(0), "{log}");
    let lines = log_lines(&log);
    assert!(
        lines[0].starts_with("ssox: serving blog_ro at http://127.0.0.1:")
            && lines[0].ends_with("/profiles/blog_ro (no other profile); Ctrl-C stops"),
        "{log}"
    );
    assert_eq!(
        lines[1..3],
        [
            "404 blog_admin this server serves only the profile blog_ro",
            "404 nope this server serves only the profile blog_ro"
        ]
    );

    // Without --profile: any profile, `/` the active one.
    env.fake.clear_requests();
    let s = serve_as(&env, Some("blog_ro"), &["--print-env"]);
    let bearer = s.token();
    assert_eq!(s.get("/profiles/blog_admin", Some(&bearer)).0, 200);
    assert_eq!(s.get("/", Some(&bearer)).0, 200);
    assert_eq!(roles_fetched(&env), ["AdministratorAccess"]);
    let (_, log) = s.stop("TERM");
    assert!(
        log_lines(&log)[0]
            .ends_with("/profiles/blog_ro (any profile at /profiles/NAME); Ctrl-C stops"),
        "{log}"
    );
}

#[test]
fn exec_server_gives_the_child_its_profile_and_no_other() {
    let env = Env::new();
    // The child asks its endpoint with its token, as an SDK would, over bash's /dev/tcp.
    let script = r#"
hp=${AWS_CONTAINER_CREDENTIALS_FULL_URI#http://}; hp=${hp%%/*}
get() {
    exec 3<>"/dev/tcp/${hp%:*}/${hp##*:}"
    printf 'GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n\r\n' \
        "$1" "$hp" "$AWS_CONTAINER_AUTHORIZATION_TOKEN" >&3
    answer=$(cat <&3)
    exec 3<&-
    printf '%s %s\n' "$1" "$(printf '%s' "$answer" | head -n1 | tr -d '\r')"
    case $answer in *ProfileNotServed*) printf '%s\n' "${answer##*$'\r\n\r\n'}";; esac
}
get /profiles/blog_admin
get /profiles/blog_ro
get /
"#;
    let o = env
        .cmd()
        .args(["exec", "--server", "blog_ro", "--", "bash", "-c", script])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "/profiles/blog_admin HTTP/1.1 404 Not Found\n{NOT_SERVED_RO}\n\
             /profiles/blog_ro HTTP/1.1 200 OK\n/ HTTP/1.1 200 OK\n"
        )
    );
    assert_eq!(roles_fetched(&env), ["ReadOnlyAccess"]);
}

#[test]
fn a_host_other_than_the_servers_address_gets_421_even_with_the_token() {
    let env = Env::new();
    let s = serve(&env, &["--profile", "blog_admin", "--print-env"]);
    let bearer = s.token();
    let place = s.place();
    let port: u16 = place.rsplit(':').next().unwrap().parse().unwrap();
    let misdirected = (
        421,
        r#"{"code":"MisdirectedRequest","message":"the Host header does not name this server's address"}"#
            .to_string(),
    );
    let rebinding = format!("rebind.attacker.example:{port}");
    let other_port = format!("127.0.0.1:{}", port.wrapping_add(1));
    for host in [
        Some(rebinding.as_str()),
        Some(other_port.as_str()),
        Some("127.0.0.1"),
        None,
    ] {
        for auth in [Some(bearer.as_str()), None] {
            assert_eq!(
                s.get_as(host, "/profiles/blog_admin", auth),
                misdirected,
                "{host:?}"
            );
        }
    }
    assert_eq!(roles_fetched(&env), Vec::<String>::new());
    // The loopback names of the address it listens on.
    for host in [
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        place.clone(),
    ] {
        assert_eq!(s.get_as(Some(&host), "/", Some(&bearer)).0, 200, "{host}");
    }
    let (_, log) = s.stop("TERM");
    let lines = log_lines(&log);
    assert_eq!(lines.len(), 1 + 8 + 3 + 1, "{log}");
    for l in &lines[1..9] {
        assert_eq!(
            l,
            "421 - the Host header does not name this server's address"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_token_file_others_can_read_or_that_another_user_owns_is_refused() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let env = Env::new();
    let token = env.sb.path("tok");
    env.sb.write("tok", "0123456789abcdef0123456789abcdef");
    let refuse = |path: &str| {
        let o = env.run(&["serve", "--profile", "blog_admin", "--token-file", path]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert_eq!(stdout(&o), "");
        stderr(&o)
    };
    for mode in [0o644, 0o604, 0o660, 0o620] {
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(mode)).unwrap();
        assert_eq!(
            refuse(&token.to_string_lossy()),
            format!(
                "ssox: ~/tok can be read or written by other users (mode {mode:04o}), and its \
                 token gives out credentials; run: chmod 600 ~/tok\n"
            )
        );
    }
    // Another user's file: one of root's when not root, else one given away.
    let me = std::fs::metadata(&token).unwrap().uid();
    let (theirs, owner) = if me == 0 {
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::chown(&token, Some(65534), None).unwrap();
        ("~/tok".to_string(), 65534)
    } else {
        ("/etc/passwd".to_string(), 0)
    };
    let path = if me == 0 {
        token.to_string_lossy().into_owned()
    } else {
        theirs.clone()
    };
    assert_eq!(
        refuse(&path),
        format!(
            "ssox: {theirs} belongs to another user (uid {owner}, you are {me}), who can read or \
             replace the token; use a token file of your own (a missing one is created)\n"
        )
    );
    // Mine and 0600: served.
    if me == 0 {
        std::os::unix::fs::chown(&token, Some(0), None).unwrap();
    }
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let s = serve(
        &env,
        &[
            "--profile",
            "blog_admin",
            "--print-env",
            "--token-file",
            "tok",
        ],
    );
    assert_eq!(s.token(), "0123456789abcdef0123456789abcdef");
}

/// A connection that sends `bytes` one byte at a time, a byte each time the test lets it.
struct Dripping {
    conn: TcpStream,
    bytes: Vec<u8>,
    sent: usize,
}

#[test]
fn slow_and_idle_clients_do_not_delay_one_with_the_token() {
    let env = Env::new();
    let s = serve(&env, &["--profile", "blog_admin", "--print-env"]);
    let bearer = s.token();
    let place = s.place();
    let head = format!("GET / HTTP/1.1\r\nHost: {place}\r\nAuthorization: {bearer}\r\n\r\n");
    // 150 idle connections, then 40 that drip a request head one byte at a time.
    let idle: Vec<TcpStream> = (0..150)
        .map(|_| TcpStream::connect(&place).unwrap())
        .collect();
    let mut drips: Vec<Dripping> = (0..40)
        .map(|_| Dripping {
            conn: TcpStream::connect(&place).unwrap(),
            bytes: head.clone().into_bytes(),
            sent: 0,
        })
        .collect();
    let drip = |drips: &mut Vec<Dripping>| {
        for d in drips.iter_mut() {
            if let Some(b) = d.bytes.get(d.sent) {
                if d.conn.write_all(&[*b]).is_ok() {
                    d.sent += 1;
                }
            }
        }
    };
    drip(&mut drips);
    // Correct requests are answered at once, again and again, while the others drip on.
    let started = Instant::now();
    for i in 0..6 {
        let asked = Instant::now();
        let (status, body) = s.get("/", Some(&bearer));
        let took = asked.elapsed();
        assert_eq!(status, 200, "{body}");
        assert!(took < Duration::from_secs(1), "request {i} took {took:?}");
        drip(&mut drips);
        std::thread::sleep(Duration::from_millis(500));
    }
    // Each connection got one deadline for its whole head: the dripping ones (a byte every
    // half second, never a whole head) and the idle ones are closed without an answer, well
    // before a per-read timeout would have closed any of the dripping ones.
    assert!(started.elapsed() < Duration::from_secs(5));
    for (what, mut conn) in drips
        .into_iter()
        .map(|d| ("dripping", d.conn))
        .chain(idle.into_iter().map(|c| ("idle", c)))
    {
        conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut got = Vec::new();
        match conn.read_to_end(&mut got) {
            Ok(_) => assert_eq!(got, b"", "a {what} connection got an answer"),
            Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{what}: {e}"),
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    // And the server still answers.
    assert_eq!(s.get("/", Some(&bearer)).0, 200);
}
