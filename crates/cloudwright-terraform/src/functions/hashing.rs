//! Hash and crypto functions.

use super::{arity, fail, string, CallResult};
use base64::Engine as _;
use cloudwright_model::Value;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

pub fn call(name: &str, args: &[Value]) -> Option<CallResult> {
    let digest: fn(&[u8]) -> Vec<u8> = match name {
        "md5" => |b| Md5::digest(b).to_vec(),
        "sha1" => |b| Sha1::digest(b).to_vec(),
        "sha256" | "base64sha256" => |b| Sha256::digest(b).to_vec(),
        "sha512" | "base64sha512" => |b| Sha512::digest(b).to_vec(),
        "uuidv5" => return Some(uuidv5(args)),
        _ => return None,
    };
    Some(arity(args, 1).and_then(|_| {
        let bytes = digest(string(&args[0])?.as_bytes());
        Ok(Value::string(if name.starts_with("base64") {
            base64::engine::general_purpose::STANDARD.encode(bytes)
        } else {
            hex(&bytes)
        }))
    }))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// RFC 4122 version-5 UUID of `name` in a namespace (`dns`, `url`, `oid`,
/// `x500` or a UUID).
fn uuidv5(args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let ns = string(&args[0])?;
    let namespace = match ns.as_str() {
        "dns" => "6ba7b810-9dad-11d1-80b4-00c04fd430c8".to_string(),
        "url" => "6ba7b811-9dad-11d1-80b4-00c04fd430c8".to_string(),
        "oid" => "6ba7b812-9dad-11d1-80b4-00c04fd430c8".to_string(),
        "x500" => "6ba7b814-9dad-11d1-80b4-00c04fd430c8".to_string(),
        other => other.to_string(),
    };
    let ns_hex: String = namespace.chars().filter(|c| *c != '-').collect();
    if ns_hex.len() != 32 {
        return fail(format!("{ns:?} is not a UUID namespace"));
    }
    let mut ns_bytes = Vec::with_capacity(16);
    for i in 0..16 {
        match u8::from_str_radix(&ns_hex[2 * i..2 * i + 2], 16) {
            Ok(b) => ns_bytes.push(b),
            Err(_) => return fail(format!("{ns:?} is not a UUID namespace")),
        }
    }
    let mut hasher = Sha1::new();
    hasher.update(&ns_bytes);
    hasher.update(string(&args[1])?.as_bytes());
    let mut h = hasher.finalize().to_vec();
    h[6] = (h[6] & 0x0f) | 0x50;
    h[8] = (h[8] & 0x3f) | 0x80;
    let x = hex(&h[..16]);
    Ok(Value::string(format!(
        "{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_known_vectors() {
        let h = |f: &str| {
            call(f, &[Value::string("hello")])
                .unwrap()
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(h("md5"), "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(h("sha1"), "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
        assert_eq!(
            h("base64sha256"),
            "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="
        );
    }

    #[test]
    fn uuidv5_matches_rfc_example() {
        // python: uuid.uuid5(uuid.NAMESPACE_DNS, "www.example.com")
        let v = uuidv5(&[Value::string("dns"), Value::string("www.example.com")]).unwrap();
        assert_eq!(v.as_str(), Some("2ed6657d-e927-568b-95e1-2665a8aea6a2"));
    }
}
