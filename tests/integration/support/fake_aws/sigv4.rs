//! AWS Signature Version 4 for the fake's STS check (and for tests that sign by hand): canonical
//! request, string to sign, signing key, Authorization parsing. Pure functions; no I/O, no server.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Lowercase hex of SHA-256.
pub fn hex_sha256(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// SigV4 URI encoding: every byte but `A-Za-z0-9-_.~` as `%XX` (upper case); `/` kept when asked.
pub fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decode `%XX` escapes (a `+` stays a `+`); invalid escapes are kept literally.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hexpair = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let (true, Ok(v)) = (
                hexpair.bytes().all(|c| c.is_ascii_hexdigit()),
                u8::from_str_radix(hexpair, 16),
            ) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `application/x-www-form-urlencoded` / query-string pairs, decoded (`+` means space here).
pub fn form_decode(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

/// The canonical query string: each name and value decoded, re-encoded, sorted by name then value.
pub fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&percent_decode(k), false),
                uri_encode(&percent_decode(v), false),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Header value canonicalisation: trimmed, runs of spaces collapsed to one.
fn canonical_value(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The canonical request over `signed` (lowercase names, already sorted as the client sent them;
/// sorted again here). Headers with the same name are joined with `,`. Missing headers give an
/// empty value (which will not match the client's signature, as intended).
pub fn canonical_request(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(String, String)],
    signed: &[String],
    payload_hash: &str,
) -> String {
    let mut names: Vec<String> = signed.iter().map(|s| s.to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    let mut canon_headers = String::new();
    for name in &names {
        let values: Vec<String> = headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| canonical_value(v))
            .collect();
        canon_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let path = if path.is_empty() { "/" } else { path };
    format!(
        "{method}\n{}\n{}\n{canon_headers}\n{}\n{payload_hash}",
        uri_encode(path, true),
        canonical_query(query),
        names.join(";")
    )
}

pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex_sha256(canonical_request.as_bytes())
    )
}

pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k = hmac_sha256(&k, region.as_bytes());
    let k = hmac_sha256(&k, service.as_bytes());
    hmac_sha256(&k, b"aws4_request")
}

/// The hex signature of a canonical request.
pub fn signature(
    secret: &str,
    amz_date: &str,
    region: &str,
    service: &str,
    canonical_request: &str,
) -> String {
    let date = &amz_date[..8.min(amz_date.len())];
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let sts = string_to_sign(amz_date, &scope, canonical_request);
    hex(&hmac_sha256(
        &signing_key(secret, date, region, service),
        sts.as_bytes(),
    ))
}

/// A parsed `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub terminator: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

pub fn parse_authorization(value: &str) -> Option<Authorization> {
    let rest = value.trim().strip_prefix("AWS4-HMAC-SHA256")?.trim();
    let mut credential = None;
    let mut signed = None;
    let mut sig = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k.trim() {
            "Credential" => credential = Some(v.trim().to_string()),
            "SignedHeaders" => signed = Some(v.trim().to_string()),
            "Signature" => sig = Some(v.trim().to_string()),
            _ => {}
        }
    }
    let credential = credential?;
    let parts: Vec<&str> = credential.split('/').collect();
    if parts.len() != 5 {
        return None;
    }
    Some(Authorization {
        access_key_id: parts[0].to_string(),
        date: parts[1].to_string(),
        region: parts[2].to_string(),
        service: parts[3].to_string(),
        terminator: parts[4].to_string(),
        signed_headers: signed?.split(';').map(str::to_string).collect(),
        signature: sig?,
    })
}

/// Sign a request as an SDK would. `headers` must already hold `host` (and whatever else should be
/// signed); this adds `x-amz-date`, `x-amz-security-token` (when `session_token` is given) and
/// returns the full header list including `authorization`. Every header given is signed.
#[allow(clippy::too_many_arguments)]
pub fn sign(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(String, String)],
    body: &[u8],
    access_key_id: &str,
    secret: &str,
    session_token: Option<&str>,
    region: &str,
    service: &str,
    amz_date: &str,
) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = headers.to_vec();
    all.push(("x-amz-date".into(), amz_date.into()));
    if let Some(t) = session_token {
        all.push(("x-amz-security-token".into(), t.into()));
    }
    let signed: Vec<String> = {
        let mut n: Vec<String> = all.iter().map(|(k, _)| k.to_ascii_lowercase()).collect();
        n.sort();
        n.dedup();
        n
    };
    let creq = canonical_request(method, path, query, &all, &signed, &hex_sha256(body));
    let sig = signature(secret, amz_date, region, service, &creq);
    let date = &amz_date[..8];
    all.push((
        "authorization".into(),
        format!(
            "AWS4-HMAC-SHA256 Credential={access_key_id}/{date}/{region}/{service}/aws4_request, SignedHeaders={}, Signature={sig}",
            signed.join(";")
        ),
    ));
    all
}
