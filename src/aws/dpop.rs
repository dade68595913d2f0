//! The P-256 key of an `aws login` session and the DPoP proof signed with it (RFC 9449): what
//! the sign-in service's CreateOAuth2Token asks for in its `DPoP` header, built as botocore's
//! `build_dpop_header` builds it (an ES256 JWT whose header carries the public key as a JWK, and
//! whose payload names the method, the URL, the time and a random id). The key is read from and
//! written as the cache's SEC1 PEM (`EC PRIVATE KEY`). Pure apart from the OS random source;
//! the key never reaches an error message.

use anyhow::{anyhow, Result};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use p256::pkcs8::LineEnding;
use p256::SecretKey;

/// A session's DPoP key. No `Debug`: it is a secret.
pub struct DpopKey {
    secret: SecretKey,
}

impl DpopKey {
    /// The key in a cache file's `dpopKey`, read as botocore reads it: the lines between the
    /// `-----BEGIN`/`-----END` lines, base64, then the SEC1 DER of a P-256 key.
    pub fn from_pem(pem: &str) -> Result<DpopKey> {
        let body: String = pem
            .lines()
            .filter(|l| !l.starts_with("-----BEGIN") && !l.starts_with("-----END"))
            .collect::<String>()
            .split_whitespace()
            .collect();
        let der = STANDARD
            .decode(body.as_bytes())
            .map_err(|_| anyhow!("its dpopKey is not base64 PEM"))?;
        let secret = SecretKey::from_sec1_der(&der)
            .map_err(|_| anyhow!("its dpopKey is not a P-256 EC PRIVATE KEY"))?;
        Ok(DpopKey { secret })
    }

    /// A new random key (for a login).
    pub fn generate() -> Result<DpopKey> {
        // A random 32-byte string is a valid scalar but for a chance of about 2^-32; draw again then.
        for _ in 0..8 {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| anyhow!("cannot get random bytes: {e}"))?;
            if let Ok(secret) = SecretKey::from_slice(&bytes) {
                return Ok(DpopKey { secret });
            }
        }
        Err(anyhow!("cannot generate a P-256 key"))
    }

    /// The key as the AWS CLI caches it: SEC1 DER with the curve's OID and the public key, in
    /// base64, 64 characters a line, LF endings.
    pub fn to_pem(&self) -> Result<String> {
        use p256::pkcs8::AssociatedOid as _;
        use sec1::der::EncodePem as _;
        let private = self.secret.to_bytes();
        let public = self.secret.public_key().to_encoded_point(false);
        sec1::EcPrivateKey {
            private_key: &private,
            parameters: Some(sec1::EcParameters::NamedCurve(p256::NistP256::OID)),
            public_key: Some(public.as_bytes()),
        }
        .to_pem(LineEnding::LF)
        .map_err(|_| anyhow!("cannot encode the DPoP key"))
    }

    /// `{"kty":"EC","x":…,"y":…,"crv":"P-256"}`, the coordinates in base64url.
    fn jwk(&self) -> serde_json::Value {
        let point = self.secret.public_key().to_encoded_point(false);
        let coord =
            |c: Option<&p256::FieldBytes>| c.map(|b| URL_SAFE_NO_PAD.encode(b)).unwrap_or_default();
        serde_json::json!({
            "kty": "EC",
            "x": coord(point.x()),
            "y": coord(point.y()),
            "crv": "P-256",
        })
    }

    /// The DPoP proof for a POST to `url` at `iat` (Unix seconds) with the id `jti`.
    pub fn proof(&self, url: &str, iat: i64, jti: &str) -> String {
        let header = serde_json::json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": self.jwk()});
        let payload = serde_json::json!({"htm": "POST", "htu": url, "iat": iat, "jti": jti});
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        );
        let signature: Signature = SigningKey::from(&self.secret).sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }
}

/// A random UUID version 4, as Python's `str(uuid.uuid4())`.
pub fn uuid4() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| anyhow!("cannot get random bytes: {e}"))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = |r: std::ops::Range<usize>| -> String {
        b.get(r)
            .unwrap_or_default()
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect()
    };
    Ok(format!(
        "{}-{}-{}-{}-{}",
        hex(0..4),
        hex(4..6),
        hex(6..8),
        hex(8..10),
        hex(10..16)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier as _;
    use p256::ecdsa::VerifyingKey;

    /// The key of smithy-rs' login-provider test cases (a SEC1 PEM as `aws login` writes it).
    pub const PEM: &str = "-----BEGIN EC PRIVATE KEY-----\n\
        MHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\n\
        AwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\n\
        ffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n\
        -----END EC PRIVATE KEY-----\n";

    fn part(jwt: &str, i: usize) -> Vec<u8> {
        URL_SAFE_NO_PAD
            .decode(jwt.split('.').nth(i).unwrap())
            .unwrap()
    }

    #[test]
    fn the_proof_is_an_es256_jwt_that_verifies_with_its_own_jwk() {
        let key = DpopKey::from_pem(PEM).unwrap();
        let jwt = key.proof(
            "https://us-east-1.signin.aws.amazon.com/v1/token",
            1_700_000_000,
            "j-1",
        );
        let header: serde_json::Value = serde_json::from_slice(&part(&jwt, 0)).unwrap();
        let payload = String::from_utf8(part(&jwt, 1)).unwrap();
        assert_eq!(
            payload,
            r#"{"htm":"POST","htu":"https://us-east-1.signin.aws.amazon.com/v1/token","iat":1700000000,"jti":"j-1"}"#
        );
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["jwk"]["crv"], "P-256");
        // The public key in the header is the key's, and the signature verifies with it.
        let x = URL_SAFE_NO_PAD
            .decode(header["jwk"]["x"].as_str().unwrap())
            .unwrap();
        let y = URL_SAFE_NO_PAD
            .decode(header["jwk"]["y"].as_str().unwrap())
            .unwrap();
        let mut sec1 = vec![4u8];
        sec1.extend(&x);
        sec1.extend(&y);
        let vk = VerifyingKey::from_sec1_bytes(&sec1).unwrap();
        let sig = Signature::from_slice(&part(&jwt, 2)).unwrap();
        let input = jwt.rsplit_once('.').unwrap().0;
        vk.verify(input.as_bytes(), &sig).unwrap();
        assert!(vk.verify(b"other", &sig).is_err());
    }

    #[test]
    fn keys_round_trip_through_the_cache_pem() {
        let key = DpopKey::from_pem(PEM).unwrap();
        assert_eq!(key.to_pem().unwrap(), PEM);
        let new = DpopKey::generate().unwrap();
        let pem = new.to_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert_eq!(DpopKey::from_pem(&pem).unwrap().to_pem().unwrap(), pem);
    }

    #[test]
    fn a_bad_key_says_so_without_quoting_it() {
        for bad in [
            "",
            "not base64 !!!",
            "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----",
        ] {
            let e = DpopKey::from_pem(bad).err().unwrap().to_string();
            assert!(e.starts_with("its dpopKey is not"), "{e}");
        }
    }

    #[test]
    fn uuids_are_version_4() {
        let u = uuid4().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }
}
