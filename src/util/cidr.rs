//! Prefix math with `std::net::IpAddr` (DOMAIN.md §2.1, §3): parsing a prefix and its
//! length, and whether an address lies inside a range. IPv4 ranges never hold IPv6
//! addresses and the other way round, as in Envoy's per-family tries. The dump's
//! `CidrRange` reaches this through `CidrRange::cidr` in `envoy/`.

use std::net::IpAddr;

/// A parsed CIDR range: the network address and the prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub len: u32,
}

impl Cidr {
    /// Parses `prefix` (surrounding spaces allowed) with length `len`; `None` when the
    /// address is not an IP or the length is too long for its family.
    pub fn parse(prefix: &str, len: u32) -> Option<Cidr> {
        let addr: IpAddr = prefix.trim().parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (len <= max).then_some(Cidr { addr, len })
    }

    /// Whether `ip` lies inside this range (same family, equal leading `len` bits).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u128::from(u32::from(net)), 32, self.len)
                    == masked(u128::from(u32::from(ip)), 32, self.len)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), 128, self.len) == masked(u128::from(ip), 128, self.len)
            }
            _ => false,
        }
    }

    /// The first address of the range (host bits cleared).
    pub fn network(&self) -> IpAddr {
        match self.addr {
            IpAddr::V4(a) => {
                // `masked` works in the top bits; move the 32 IPv4 bits back down.
                let bits = masked(u128::from(u32::from(a)), 32, self.len) >> 96;
                // `masked` keeps at most 32 significant bits here.
                IpAddr::V4(u32::try_from(bits).unwrap_or(0).into())
            }
            IpAddr::V6(a) => IpAddr::V6(masked(u128::from(a), 128, self.len).into()),
        }
    }
}

impl Cidr {
    /// The last address of the range (host bits set).
    pub fn last(&self) -> IpAddr {
        match self.network() {
            IpAddr::V4(a) => {
                let host = u32::MAX.checked_shr(self.len.min(32)).unwrap_or(0);
                IpAddr::V4((u32::from(a) | host).into())
            }
            IpAddr::V6(a) => {
                let host = u128::MAX.checked_shr(self.len.min(128)).unwrap_or(0);
                IpAddr::V6((u128::from(a) | host).into())
            }
        }
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

/// `value` with all but the top `len` of its `width` bits cleared.
fn masked(value: u128, width: u32, len: u32) -> u128 {
    let len = len.min(width);
    if len == 0 {
        return 0;
    }
    let keep = u128::MAX << (128 - len);
    (value << (128 - width)) & keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(a: &str, len: u32) -> Option<Cidr> {
        Cidr::parse(a, len)
    }

    #[test]
    fn contains_by_family_and_length() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let v4 = range("10.1.0.0", 16).unwrap();
        assert!(v4.contains(ip("10.1.200.3")));
        assert!(!v4.contains(ip("10.2.0.1")));
        assert!(!v4.contains(ip("::ffff:10.1.0.1")));
        let any4 = range("0.0.0.0", 0).unwrap();
        assert!(any4.contains(ip("192.0.2.1")));
        assert!(!any4.contains(ip("2001:db8::1")));
        let any6 = range("::0", 0).unwrap();
        assert!(any6.contains(ip("2001:db8::1")));
        let v6 = range("fd00:10:96::", 48).unwrap();
        assert!(v6.contains(ip("fd00:10:96::5a1")));
        assert!(!v6.contains(ip("fd00:10:97::1")));
        let host = range("10.0.0.1", 32).unwrap();
        assert!(host.contains(ip("10.0.0.1")) && !host.contains(ip("10.0.0.2")));
        assert_eq!(range("10.0.0.1", 33), None);
        assert_eq!(range("nope", 8), None);
        assert_eq!(range("10.1.2.3", 16).unwrap().network(), ip("10.1.0.0"));
        assert_eq!(range("10.1.2.3", 16).unwrap().last(), ip("10.1.255.255"));
        assert_eq!(host.last(), ip("10.0.0.1"));
        assert_eq!(any4.last(), ip("255.255.255.255"));
    }
}
