//! IP network functions: `cidrhost`, `cidrnetmask`, `cidrsubnet`, `cidrsubnets`, `cidrcontains`.
//!
//! Addresses are handled as integers (u128 for both families) so IPv4 and
//! IPv6 share one implementation.

use super::{arity, fail, integer, string, CallError, CallResult};
use cloudwright_model::Value;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv6Addr};

pub fn call(name: &str, args: &[Value]) -> Option<CallResult> {
    Some(match name {
        "cidrhost" => cidrhost(args),
        "cidrnetmask" => cidrnetmask(args),
        "cidrsubnet" => cidrsubnet(args),
        "cidrsubnets" => cidrsubnets(args),
        "cidrcontains" => cidrcontains(args),
        _ => return None,
    })
}

/// A prefix as (network address, prefix length, address bits).
#[derive(Clone, Copy, Debug)]
struct Prefix {
    addr: u128,
    len: u32,
    bits: u32,
}

fn parse_prefix(s: &str) -> Result<Prefix, CallError> {
    let net: IpNet = s
        .parse()
        .or_else(|_| fail(format!("invalid CIDR prefix {s:?}")))?;
    // Terraform accepts a host address with a prefix and uses its network.
    let (addr, bits) = match net.network() {
        IpAddr::V4(a) => (u32::from(a) as u128, 32),
        IpAddr::V6(a) => (u128::from(a), 128),
    };
    Ok(Prefix {
        addr,
        len: net.prefix_len() as u32,
        bits,
    })
}

fn format_addr(addr: u128, bits: u32) -> String {
    let mut out = String::with_capacity(20);
    write_addr(addr, bits, &mut out);
    out
}

/// An address as text: IPv4's four numbers written by `itoa` (what
/// `Ipv4Addr`'s `Display` gives, without its padding machinery: every
/// `cidrsubnet` writes one); IPv6 as `Ipv6Addr` writes it.
fn write_addr(addr: u128, bits: u32, out: &mut String) {
    if bits == 32 {
        let mut digits = itoa::Buffer::new();
        for (i, octet) in (addr as u32).to_be_bytes().into_iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(digits.format(octet));
        }
    } else {
        out.push_str(&Ipv6Addr::from(addr).to_string());
    }
}

fn host_bits(p: &Prefix) -> u32 {
    p.bits - p.len
}

fn cidrhost(args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let p = parse_prefix(&string(&args[0])?)?;
    let hostnum = integer(&args[1])?;
    let size: u128 = if host_bits(&p) >= 128 {
        u128::MAX
    } else {
        1u128 << host_bits(&p)
    };
    let offset: u128 = if hostnum < 0 {
        let back = hostnum.unsigned_abs() as u128;
        if back > size {
            return fail(format!("host number {hostnum} does not fit in the prefix"));
        }
        size - back
    } else {
        let n = hostnum as u128;
        if n >= size {
            return fail(format!("host number {hostnum} does not fit in the prefix"));
        }
        n
    };
    Ok(Value::string(format_addr(p.addr + offset, p.bits)))
}

fn cidrnetmask(args: &[Value]) -> CallResult {
    arity(args, 1)?;
    let p = parse_prefix(&string(&args[0])?)?;
    if p.bits != 32 {
        return fail("cidrnetmask only supports IPv4 prefixes");
    }
    let mask: u32 = if p.len == 0 {
        0
    } else {
        u32::MAX << (32 - p.len)
    };
    Ok(Value::string(format_addr(u128::from(mask), 32)))
}

fn subnet(p: &Prefix, newbits: i64, netnum: i64) -> Result<Prefix, CallError> {
    if !(0..=128).contains(&newbits) {
        return fail("newbits must be between 0 and 128");
    }
    let len = p.len + newbits as u32;
    if len > p.bits {
        return fail(format!(
            "not enough remaining address space for a subnet with a prefix of {len} bits"
        ));
    }
    if netnum < 0 || (newbits < 64 && netnum as u128 >= (1u128 << newbits)) {
        return fail(format!(
            "prefix extension of {newbits} bits does not accommodate subnet number {netnum}"
        ));
    }
    let shift = p.bits - len;
    let addr = p.addr | ((netnum as u128).checked_shl(shift).unwrap_or(0));
    Ok(Prefix {
        addr,
        len,
        bits: p.bits,
    })
}

fn show(p: &Prefix) -> String {
    let mut out = String::with_capacity(24);
    write_addr(p.addr, p.bits, &mut out);
    out.push('/');
    out.push_str(itoa::Buffer::new().format(p.len));
    out
}

fn cidrsubnet(args: &[Value]) -> CallResult {
    arity(args, 3)?;
    let p = parse_prefix(&string(&args[0])?)?;
    let s = subnet(&p, integer(&args[1])?, integer(&args[2])?)?;
    Ok(Value::string(show(&s)))
}

/// Consecutive, non-overlapping subnets of the given sizes, each aligned to
/// its own size (the algorithm of the hashicorp/go-cidr `cidrsubnets`).
fn cidrsubnets(args: &[Value]) -> CallResult {
    let Some((first, rest)) = args.split_first() else {
        return fail("cidrsubnets needs a prefix");
    };
    let p = parse_prefix(&string(first)?)?;
    let mut next: u128 = p.addr;
    let end: u128 = p.addr
        + if host_bits(&p) >= 128 {
            u128::MAX
        } else {
            (1u128 << host_bits(&p)) - 1
        };
    let mut out = Vec::new();
    for nb in rest {
        let newbits = integer(nb)?;
        if !(1..=128).contains(&newbits) {
            return fail("each newbits must be between 1 and 128");
        }
        let len = p.len + newbits as u32;
        if len > p.bits {
            return fail(format!("not enough address space for a /{len} subnet"));
        }
        let size: u128 = 1u128 << (p.bits - len);
        // align up to the subnet's size
        let start = next.div_ceil(size) * size;
        let last = start + size - 1;
        if last > end {
            return fail("not enough remaining address space for the requested subnets");
        }
        out.push(Value::string(show(&Prefix {
            addr: start,
            len,
            bits: p.bits,
        })));
        next = last + 1;
    }
    Ok(Value::list(out))
}

fn cidrcontains(args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let outer = parse_prefix(&string(&args[0])?)?;
    let inner_s = string(&args[1])?;
    let inner = if inner_s.contains('/') {
        parse_prefix(&inner_s)?
    } else {
        let addr: IpAddr = inner_s
            .parse()
            .or_else(|_| fail(format!("invalid IP address {inner_s:?}")))?;
        match addr {
            IpAddr::V4(a) => Prefix {
                addr: u32::from(a) as u128,
                len: 32,
                bits: 32,
            },
            IpAddr::V6(a) => Prefix {
                addr: u128::from(a),
                len: 128,
                bits: 128,
            },
        }
    };
    if inner.bits != outer.bits {
        return fail("the two arguments must be of the same address family");
    }
    let shift = outer.bits - outer.len;
    let same_net = outer.len == 0 || (inner.addr >> shift) == (outer.addr >> shift);
    Ok(Value::Bool(inner.len >= outer.len && same_net))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::string(v)
    }
    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    #[test]
    fn addresses_are_written_as_the_standard_library_writes_them() {
        for octet in 0..=255u32 {
            for len in [0, 7, 10, 32, 99, 100, 128] {
                let addr = u128::from(octet << 24 | octet << 8 | 7);
                let p = Prefix {
                    addr,
                    len,
                    bits: 32,
                };
                let standard = std::net::Ipv4Addr::from(addr as u32);
                assert_eq!(show(&p), format!("{standard}/{len}"));
            }
        }
        let v6 = Prefix {
            addr: 0x2001_0db8 << 96,
            len: 32,
            bits: 128,
        };
        assert_eq!(show(&v6), "2001:db8::/32");
    }

    #[test]
    fn subnets_match_terraform_docs() {
        assert_eq!(
            cidrsubnet(&[s("172.16.0.0/12"), n(4.0), n(2.0)])
                .unwrap()
                .as_str(),
            Some("172.18.0.0/16")
        );
        assert_eq!(
            cidrsubnet(&[s("10.1.2.0/24"), n(4.0), n(15.0)])
                .unwrap()
                .as_str(),
            Some("10.1.2.240/28")
        );
        assert_eq!(
            cidrsubnet(&[s("fd00:fd12:3456:7890::/56"), n(16.0), n(162.0)])
                .unwrap()
                .as_str(),
            Some("fd00:fd12:3456:7800:a200::/72")
        );
        assert_eq!(
            cidrsubnets(&[s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)])
                .unwrap()
                .to_string(),
            r#"["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]"#
        );
        assert!(cidrsubnet(&[s("10.0.0.0/30"), n(4.0), n(0.0)]).is_err());
    }

    #[test]
    fn hosts_masks_and_containment() {
        assert_eq!(
            cidrhost(&[s("10.12.112.0/20"), n(16.0)]).unwrap().as_str(),
            Some("10.12.112.16")
        );
        assert_eq!(
            cidrhost(&[s("10.12.112.0/20"), n(-2.0)]).unwrap().as_str(),
            Some("10.12.127.254")
        );
        assert_eq!(
            cidrnetmask(&[s("172.16.0.0/12")]).unwrap().as_str(),
            Some("255.240.0.0")
        );
        assert_eq!(
            cidrcontains(&[s("10.0.0.0/8"), s("10.1.2.3")])
                .unwrap()
                .as_bool(),
            Some(true)
        );
        assert_eq!(
            cidrcontains(&[s("10.0.0.0/16"), s("10.0.0.0/8")])
                .unwrap()
                .as_bool(),
            Some(false)
        );
    }
}
