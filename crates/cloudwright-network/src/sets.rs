//! Exact set algebra for header spaces.
//!
//! An [`IntervalSet`] is a set of integers kept as sorted, disjoint,
//! non-adjacent inclusive ranges, over the whole domain of its integer type:
//! ports (`u16`), IPv4 addresses (`u32`), IPv6 addresses (`u128`), IP
//! protocol numbers (`u8`). Union, intersection, difference and complement
//! are exact and linear in the number of ranges. A [`Cube`] is a product of
//! such sets (protocols × destination ports × IPv4 sources × IPv6 sources);
//! a [`HeaderSpace`] is a union of cubes, closed under the same operations.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::fmt;

/// An unsigned integer domain with a least and a greatest element.
pub trait Domain: Copy + Ord + fmt::Debug {
    const MIN: Self;
    const MAX: Self;
    /// `self + 1`; only called below `MAX`.
    fn succ(self) -> Self;
    /// `self - 1`; only called above `MIN`.
    fn pred(self) -> Self;
}

macro_rules! domain {
    ($($t:ty),*) => {$(
        impl Domain for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            fn succ(self) -> Self { self + 1 }
            fn pred(self) -> Self { self - 1 }
        }
    )*};
}
domain!(u8, u16, u32, u128);

/// A set of integers as sorted, disjoint, non-adjacent inclusive ranges.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IntervalSet<T: Domain> {
    ranges: Vec<(T, T)>,
}

impl<T: Domain> Default for IntervalSet<T> {
    fn default() -> Self {
        Self::empty()
    }
}

impl<T: Domain> fmt::Debug for IntervalSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.ranges.iter().map(|(a, b)| a..=b))
            .finish()
    }
}

impl<T: Domain> IntervalSet<T> {
    pub fn empty() -> Self {
        IntervalSet { ranges: Vec::new() }
    }

    pub fn full() -> Self {
        Self::range(T::MIN, T::MAX)
    }

    /// `[from, to]`; empty when `from > to`.
    pub fn range(from: T, to: T) -> Self {
        if from > to {
            Self::empty()
        } else {
            IntervalSet {
                ranges: vec![(from, to)],
            }
        }
    }

    pub fn single(v: T) -> Self {
        Self::range(v, v)
    }

    /// From arbitrary (possibly overlapping, unsorted) ranges.
    pub fn from_ranges(ranges: impl IntoIterator<Item = (T, T)>) -> Self {
        let mut rs: Vec<(T, T)> = ranges.into_iter().filter(|(a, b)| a <= b).collect();
        rs.sort();
        let mut out: Vec<(T, T)> = Vec::with_capacity(rs.len());
        for (a, b) in rs {
            match out.last_mut() {
                // overlapping or adjacent: merge
                Some((_, last)) if *last == T::MAX || a <= last.succ() => {
                    if b > *last {
                        *last = b;
                    }
                }
                _ => out.push((a, b)),
            }
        }
        IntervalSet { ranges: out }
    }

    pub fn ranges(&self) -> &[(T, T)] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.ranges == [(T::MIN, T::MAX)]
    }

    pub fn contains(&self, v: T) -> bool {
        // ranges are sorted: binary search on the start
        let i = self.ranges.partition_point(|(a, _)| *a <= v);
        i > 0 && self.ranges[i - 1].1 >= v
    }

    pub fn union(&self, other: &Self) -> Self {
        Self::from_ranges(self.ranges.iter().chain(other.ranges.iter()).copied())
    }

    pub fn intersect(&self, other: &Self) -> Self {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a1, b1) = self.ranges[i];
            let (a2, b2) = other.ranges[j];
            let lo = a1.max(a2);
            let hi = b1.min(b2);
            if lo <= hi {
                out.push((lo, hi));
            }
            if b1 < b2 {
                i += 1;
            } else {
                j += 1;
            }
        }
        IntervalSet { ranges: out }
    }

    pub fn complement(&self) -> Self {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let mut next = Some(T::MIN);
        for &(a, b) in &self.ranges {
            if let Some(n) = next {
                if a > n {
                    out.push((n, a.pred()));
                }
            }
            next = if b == T::MAX { None } else { Some(b.succ()) };
        }
        if let Some(n) = next {
            out.push((n, T::MAX));
        }
        IntervalSet { ranges: out }
    }

    pub fn difference(&self, other: &Self) -> Self {
        self.intersect(&other.complement())
    }

    pub fn is_subset(&self, other: &Self) -> bool {
        self.difference(other).is_empty()
    }
}

/// Destination ports.
pub type PortSet = IntervalSet<u16>;
/// IPv4 addresses.
pub type V4Set = IntervalSet<u32>;
/// IPv6 addresses.
pub type V6Set = IntervalSet<u128>;
/// IP protocol numbers (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, …).
pub type ProtoSet = IntervalSet<u8>;

pub const TCP: u8 = 6;
pub const UDP: u8 = 17;

impl IntervalSet<u32> {
    pub fn cidr(net: &Ipv4Net) -> Self {
        let net = net.trunc();
        Self::range(u32::from(net.network()), u32::from(net.broadcast()))
    }
}

impl IntervalSet<u128> {
    pub fn cidr(net: &Ipv6Net) -> Self {
        let net = net.trunc();
        Self::range(u128::from(net.network()), u128::from(net.broadcast()))
    }
}

/// Source addresses of both families.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddrSet {
    pub v4: V4Set,
    pub v6: V6Set,
}

impl AddrSet {
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every address (`0.0.0.0/0` and `::/0`).
    pub fn everywhere() -> Self {
        AddrSet {
            v4: V4Set::full(),
            v6: V6Set::full(),
        }
    }

    /// The addresses a packet from the internet can come from: everything
    /// but the special-purpose ranges (RFC 6890: private, shared, loopback,
    /// link-local, documentation-free multicast and reserved space; IPv6
    /// unique-local, link-local, multicast, mapped).
    pub fn internet() -> Self {
        const V4: &[&str] = &[
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.0.0.0/24",
            "192.168.0.0/16",
            "198.18.0.0/15",
            "224.0.0.0/4",
            "240.0.0.0/4",
        ];
        const V6: &[&str] = &[
            "::/127",
            "::ffff:0:0/96",
            "fc00::/7",
            "fe80::/10",
            "ff00::/8",
        ];
        let mut special = AddrSet::empty();
        for net in V4.iter().chain(V6) {
            if let Ok(n) = net.parse::<IpNet>() {
                special = special.union(&AddrSet::from_net(&n));
            }
        }
        AddrSet::everywhere().difference(&special)
    }

    pub fn from_net(net: &IpNet) -> Self {
        match net {
            IpNet::V4(n) => AddrSet {
                v4: V4Set::cidr(n),
                v6: V6Set::empty(),
            },
            IpNet::V6(n) => AddrSet {
                v4: V4Set::empty(),
                v6: V6Set::cidr(n),
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    pub fn union(&self, o: &Self) -> Self {
        AddrSet {
            v4: self.v4.union(&o.v4),
            v6: self.v6.union(&o.v6),
        }
    }

    pub fn intersect(&self, o: &Self) -> Self {
        AddrSet {
            v4: self.v4.intersect(&o.v4),
            v6: self.v6.intersect(&o.v6),
        }
    }

    pub fn difference(&self, o: &Self) -> Self {
        AddrSet {
            v4: self.v4.difference(&o.v4),
            v6: self.v6.difference(&o.v6),
        }
    }
}

/// A product of sets: the packets whose protocol, destination port and
/// source address are each in their set. Ports apply to TCP and UDP; for
/// other protocols the port set is ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cube {
    pub protocols: ProtoSet,
    pub ports: PortSet,
    pub sources: AddrSet,
}

impl Cube {
    pub fn everything() -> Self {
        Cube {
            protocols: ProtoSet::full(),
            ports: PortSet::full(),
            sources: AddrSet::everywhere(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.protocols.is_empty() || self.ports.is_empty() || self.sources.is_empty()
    }

    pub fn intersect(&self, o: &Self) -> Cube {
        Cube {
            protocols: self.protocols.intersect(&o.protocols),
            ports: self.ports.intersect(&o.ports),
            sources: self.sources.intersect(&o.sources),
        }
    }

    /// `self − other` as disjoint cubes: peel off one dimension at a time.
    pub fn difference(&self, o: &Self) -> Vec<Cube> {
        let common = self.intersect(o);
        if common.is_empty() {
            return vec![self.clone()];
        }
        let mut out = Vec::new();
        // outside o's protocols
        let p_out = self.protocols.difference(&o.protocols);
        if !p_out.is_empty() {
            out.push(Cube {
                protocols: p_out,
                ..self.clone()
            });
        }
        // inside o's protocols, outside its ports
        let ports_out = self.ports.difference(&o.ports);
        if !ports_out.is_empty() {
            out.push(Cube {
                protocols: common.protocols.clone(),
                ports: ports_out,
                sources: self.sources.clone(),
            });
        }
        // inside both, outside its sources
        let src_out = self.sources.difference(&o.sources);
        if !src_out.is_empty() {
            out.push(Cube {
                protocols: common.protocols.clone(),
                ports: common.ports.clone(),
                sources: src_out,
            });
        }
        out
    }
}

/// A union of cubes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeaderSpace {
    cubes: Vec<Cube>,
}

impl HeaderSpace {
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn everything() -> Self {
        HeaderSpace {
            cubes: vec![Cube::everything()],
        }
    }

    pub fn from_cube(c: Cube) -> Self {
        let mut h = Self::empty();
        h.add(c);
        h
    }

    /// A union of cubes (normalised to disjoint ones).
    pub fn from_cubes(cubes: impl IntoIterator<Item = Cube>) -> Self {
        cubes
            .into_iter()
            .fold(Self::empty(), |h, c| h.union(&HeaderSpace::from_cube(c)))
    }

    pub fn cubes(&self) -> &[Cube] {
        &self.cubes
    }

    pub fn is_empty(&self) -> bool {
        self.cubes.iter().all(Cube::is_empty)
    }

    fn add(&mut self, c: Cube) {
        if !c.is_empty() {
            self.cubes.push(c);
        }
    }

    pub fn union(&self, o: &Self) -> Self {
        // keep cubes disjoint: add what `o` has beyond `self`
        let mut out = self.clone();
        for c in &o.cubes {
            for piece in HeaderSpace::from_cube(c.clone()).difference(self).cubes {
                out.add(piece);
            }
        }
        out
    }

    pub fn intersect(&self, o: &Self) -> Self {
        let mut out = Self::empty();
        for a in &self.cubes {
            for b in &o.cubes {
                out.add(a.intersect(b));
            }
        }
        out
    }

    pub fn difference(&self, o: &Self) -> Self {
        let mut current = self.cubes.clone();
        for b in &o.cubes {
            current = current
                .iter()
                .flat_map(|a| a.difference(b))
                .filter(|c| !c.is_empty())
                .collect();
        }
        HeaderSpace { cubes: current }
    }

    /// The protocol × port part of the space that holds for every source
    /// of `offered` (`self` ⊆ `offered`): a service is open to a client
    /// range only when no address of the range is left out.
    pub fn for_all_sources(&self, offered: &HeaderSpace) -> HeaderSpace {
        let missing = offered.difference(self);
        let lost = HeaderSpace::from_cubes(missing.cubes.iter().map(|c| Cube {
            protocols: c.protocols.clone(),
            ports: c.ports.clone(),
            sources: AddrSet::everywhere(),
        }));
        offered.difference(&lost)
    }

    /// Does the space hold the packet (protocol, port, IPv4 source)?
    pub fn contains_v4(&self, protocol: u8, port: u16, source: u32) -> bool {
        self.cubes.iter().any(|c| {
            c.protocols.contains(protocol)
                && (!(protocol == TCP || protocol == UDP) || c.ports.contains(port))
                && c.sources.v4.contains(source)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A brute-force model of a set of `u8`.
    fn model(s: &IntervalSet<u8>) -> [bool; 256] {
        let mut m = [false; 256];
        for &(a, b) in s.ranges() {
            for v in a..=b {
                m[v as usize] = true;
            }
        }
        m
    }

    fn canonical(s: &IntervalSet<u8>) -> bool {
        s.ranges()
            .windows(2)
            .all(|w| w[0].1 < w[1].0 && w[0].1.succ() < w[1].0)
            && s.ranges().iter().all(|(a, b)| a <= b)
    }

    fn set() -> impl Strategy<Value = IntervalSet<u8>> {
        proptest::collection::vec((any::<u8>(), any::<u8>()), 0..6).prop_map(|rs| {
            IntervalSet::from_ranges(rs.into_iter().map(|(a, b)| (a.min(b), a.max(b))))
        })
    }

    proptest! {
        #[test]
        fn union_matches_the_model(a in set(), b in set()) {
            let (ma, mb, mu) = (model(&a), model(&b), model(&a.union(&b)));
            for v in 0..256 { prop_assert_eq!(mu[v], ma[v] || mb[v]); }
            prop_assert!(canonical(&a.union(&b)));
        }

        #[test]
        fn intersection_matches_the_model(a in set(), b in set()) {
            let (ma, mb, mi) = (model(&a), model(&b), model(&a.intersect(&b)));
            for v in 0..256 { prop_assert_eq!(mi[v], ma[v] && mb[v]); }
            prop_assert!(canonical(&a.intersect(&b)));
        }

        #[test]
        fn difference_and_complement_match_the_model(a in set(), b in set()) {
            let (ma, mb, md, mc) = (model(&a), model(&b), model(&a.difference(&b)), model(&a.complement()));
            for v in 0..256 {
                prop_assert_eq!(md[v], ma[v] && !mb[v]);
                prop_assert_eq!(mc[v], !ma[v]);
            }
            prop_assert!(canonical(&a.difference(&b)));
            prop_assert_eq!(a.complement().complement(), a.clone());
        }

        #[test]
        fn contains_matches_the_model(a in set(), v in any::<u8>()) {
            prop_assert_eq!(a.contains(v), model(&a)[v as usize]);
        }

        /// Header spaces over a small space (protocol × port × v4 source,
        /// each cut to a handful of values) against enumeration.
        #[test]
        fn header_space_algebra_matches_enumeration(
            a in proptest::collection::vec(cube(), 0..4),
            b in proptest::collection::vec(cube(), 0..4),
        ) {
            let space = |cs: &Vec<Cube>| cs.iter().cloned().fold(HeaderSpace::empty(), |h, c| h.union(&HeaderSpace::from_cube(c)));
            let (ha, hb) = (space(&a), space(&b));
            let (u, i, d) = (ha.union(&hb), ha.intersect(&hb), ha.difference(&hb));
            for p in [TCP, UDP] {
                for port in 0u16..8 {
                    for src in 0u32..8 {
                        let (x, y) = (ha.contains_v4(p, port, src), hb.contains_v4(p, port, src));
                        prop_assert_eq!(u.contains_v4(p, port, src), x || y);
                        prop_assert_eq!(i.contains_v4(p, port, src), x && y);
                        prop_assert_eq!(d.contains_v4(p, port, src), x && !y);
                    }
                }
            }
        }
    }

    fn cube() -> impl Strategy<Value = Cube> {
        (
            any::<bool>(),
            any::<bool>(),
            0u16..8,
            0u16..8,
            0u32..8,
            0u32..8,
        )
            .prop_map(|(tcp, udp, p1, p2, s1, s2)| {
                let mut protocols = ProtoSet::empty();
                if tcp {
                    protocols = protocols.union(&ProtoSet::single(TCP));
                }
                if udp {
                    protocols = protocols.union(&ProtoSet::single(UDP));
                }
                Cube {
                    protocols,
                    ports: PortSet::range(p1.min(p2), p1.max(p2)),
                    sources: AddrSet {
                        v4: V4Set::range(s1.min(s2), s1.max(s2)),
                        v6: V6Set::empty(),
                    },
                }
            })
    }

    #[test]
    fn cidrs_are_address_ranges() {
        let net: Ipv4Net = "10.0.1.0/24".parse().unwrap();
        let s = V4Set::cidr(&net);
        assert_eq!(s.ranges(), &[(0x0A00_0100, 0x0A00_01FF)]);
        let world: Ipv4Net = "0.0.0.0/0".parse().unwrap();
        assert!(V4Set::cidr(&world).is_full());
        let v6: Ipv6Net = "::/0".parse().unwrap();
        assert!(V6Set::cidr(&v6).is_full());
        // a host-bits-set CIDR is truncated to its network, as AWS does
        let odd: Ipv4Net = "10.0.1.7/24".parse().unwrap();
        assert_eq!(V4Set::cidr(&odd), s);
    }

    #[test]
    fn edges_of_the_domain() {
        let all = PortSet::full();
        assert!(all.complement().is_empty());
        assert_eq!(PortSet::empty().complement(), all);
        let top = PortSet::single(65535);
        assert_eq!(top.complement(), PortSet::range(0, 65534));
        assert_eq!(
            PortSet::from_ranges([(0, 10), (11, 20), (30, 40)]).ranges(),
            &[(0, 20), (30, 40)]
        );
    }
}
