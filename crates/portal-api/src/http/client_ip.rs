//! The address a request comes from, for login throttling and the audit log.
//!
//! `X-Forwarded-For` and `Forwarded` can be written by any client, so they are read only when the
//! connection comes from a configured trusted proxy (`PORTAL_TRUSTED_PROXIES`, empty by default).
//! Then the chain of addresses — the header's entries in order, then the peer — is walked from the
//! right, skipping trusted proxies; the first address that is not one is the client (a client can
//! prepend anything, but cannot make a trusted proxy append a lie).

use std::net::IpAddr;

use actix_web::http::header::HeaderMap;
use ipnet::IpNet;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Comma-separated addresses or CIDR ranges, e.g. `10.0.0.0/8, 127.0.0.1`; empty: none.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let net = match entry.parse::<IpNet>() {
                Ok(net) => net,
                Err(_) => entry
                    .parse::<IpAddr>()
                    .map(IpNet::from)
                    .map_err(|_| format!("'{entry}' is not an IP address or CIDR range"))?,
            };
            nets.push(net);
        }
        Ok(Self(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address, as this module's header explains.
    pub fn client_ip(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = canonical(peer?);
        if !self.trusts(peer) {
            return Some(peer);
        }
        let mut last = peer;
        for hop in forwarded_chain(headers).into_iter().rev() {
            match hop {
                // An entry a trusted proxy wrote that is not an address ("unknown", an obfuscated
                // name): the closest address known is the proxy's.
                None => return Some(last),
                Some(ip) if self.trusts(ip) => last = ip,
                Some(ip) => return Some(ip),
            }
        }
        Some(last)
    }
}

/// IPv4 addresses arriving as IPv4-mapped IPv6 (a dual-stack listener) are compared as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The addresses the proxies recorded, oldest first: RFC 7239 `Forwarded` `for=` entries if that
/// header is present, else `X-Forwarded-For`. None for an entry that is not an address.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = headers
        .get_all("forwarded")
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|line| line.split(','))
            .map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.split_once('=')?;
                    key.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| parse_node(value.trim().trim_matches('"')))
                })
            })
            .map(Option::flatten)
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(','))
        .map(|entry| parse_node(entry.trim()))
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]`, `[2001:db8::1]:4711` or `2001:db8::1`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok().map(canonical);
    }
    let (host, port) = node.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse().ok().map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn headers_are_ignored_unless_the_peer_is_a_trusted_proxy() {
        let none = TrustedProxies::default();
        let forged = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            none.client_ip(ip("198.51.100.7"), &forged),
            ip("198.51.100.7")
        );
        let proxies = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").unwrap();
        assert_eq!(
            proxies.client_ip(ip("198.51.100.7"), &forged),
            ip("198.51.100.7"),
            "an untrusted peer's header is a forgery"
        );
    }

    #[test]
    fn the_right_most_untrusted_address_wins() {
        let proxies = TrustedProxies::parse("10.0.0.0/8,127.0.0.1").unwrap();
        // The client prepended a lie; the trusted proxies appended what they saw.
        let chain = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.2")]);
        assert_eq!(
            proxies.client_ip(ip("127.0.0.1"), &chain),
            ip("203.0.113.9")
        );
        let split = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "203.0.113.10"),
        ]);
        assert_eq!(
            proxies.client_ip(ip("10.1.1.1"), &split),
            ip("203.0.113.10")
        );
        let rfc = headers(&[(
            "forwarded",
            r#"for=1.2.3.4, for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.3"#,
        )]);
        assert_eq!(
            proxies.client_ip(ip("127.0.0.1"), &rfc),
            ip("2001:db8:cafe::17")
        );
        let unknown = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(proxies.client_ip(ip("10.0.0.5"), &unknown), ip("10.0.0.5"));
        let mapped = headers(&[("x-forwarded-for", "203.0.113.11:5000")]);
        assert_eq!(
            proxies.client_ip(ip("::ffff:127.0.0.1"), &mapped),
            ip("203.0.113.11")
        );
    }

    #[test]
    fn bad_entries_are_refused() {
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(TrustedProxies::parse("").unwrap().is_empty());
    }
}
