//! Where webhooks may be sent. A webhook is an outbound request that a holder of
//! `webhooks:manage` aims, so the URL is resolved once, every address it resolves to is checked,
//! and the sender connects to exactly those addresses: a second DNS lookup (which a rebinding DNS
//! server could answer with 127.0.0.1) never happens, and redirects are never followed (the api's
//! sender records a 3xx as a failure). Private, loopback and otherwise non-public ranges are
//! refused unless the operator allows them (closed networks, the tests).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

/// A checked destination: the URL's host and the addresses the sender may connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The host as written in the URL (a DNS name, or an address literal).
    pub host: String,
    /// Whether `host` is a DNS name (the sender pins it to `addrs`); false for literals.
    pub is_name: bool,
    /// Every address the host resolved to, all of them allowed.
    pub addrs: Vec<SocketAddr>,
}

fn v4_forbidden(v4: Ipv4Addr) -> bool {
    let [a, b, c, _] = v4.octets();
    v4.is_private()
        || v4.is_loopback()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || v4.is_documentation()
        || a == 0 // 0.0.0.0/8: "this network"; Linux connects 0.x to the local host
        || (a == 100 && (64..128).contains(&b)) // 100.64.0.0/10: carrier-grade NAT
        || (a == 198 && (b == 18 || b == 19)) // 198.18.0.0/15: benchmarking
        || (a == 192 && b == 0 && c == 0) // 192.0.0.0/24: IETF protocol assignments
        || a >= 240 // 240.0.0.0/4: reserved
}

fn v6_forbidden(v6: Ipv6Addr) -> bool {
    let s = v6.segments();
    // An IPv4 address carried in an IPv6 one: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d),
    // NAT64 (64:ff9b::/96) and 6to4 (2002:ab:cd::/16) all reach the IPv4 address.
    let embedded = v6
        .to_ipv4_mapped()
        .or_else(|| (s[..6] == [0; 6]).then(|| v4_of(s[6], s[7])))
        .or_else(|| (s[..6] == [0x64, 0xff9b, 0, 0, 0, 0]).then(|| v4_of(s[6], s[7])))
        .or_else(|| (s[0] == 0x2002).then(|| v4_of(s[1], s[2])));
    if let Some(v4) = embedded {
        return v4_forbidden(v4);
    }
    v6.is_loopback()
        || v6.is_unspecified()
        || v6.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // fc00::/7: unique local
        || (s[0] & 0xffc0) == 0xfe80 // fe80::/10: link local
        || (s[0] & 0xffc0) == 0xfec0 // fec0::/10: the old site local
        || (s[0] == 0x2001 && s[1] == 0x0db8) // 2001:db8::/32: documentation
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0]) // 100::/64: discard
}

fn v4_of(high: u16, low: u16) -> Ipv4Addr {
    let [a, b] = high.to_be_bytes();
    let [c, d] = low.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

/// Whether webhooks may not call this address without the operator's leave.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_forbidden(v4),
        IpAddr::V6(v6) => v6_forbidden(v6),
    }
}

/// Parses the URL as the sender will (the `url` crate, WHATWG rules), resolves its host once and
/// checks every address.
pub fn resolve(url: &str, allow_private: bool) -> Result<Target, String> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the URL contains spaces or control characters".into());
    }
    let parsed = url::Url::parse(url).map_err(|e| format!("not a valid URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("only http:// and https:// URLs are allowed".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("the URL may not carry a user name or password".into());
    }
    let port = parsed
        .port_or_known_default()
        .ok_or("the URL has no port")?;
    let (host, is_name, addrs) = match parsed.host() {
        Some(url::Host::Domain(name)) => {
            let addrs: Vec<SocketAddr> = (name, port)
                .to_socket_addrs()
                .map_err(|e| format!("the host does not resolve: {e}"))?
                .collect();
            (name.to_string(), true, addrs)
        }
        Some(url::Host::Ipv4(v4)) => (v4.to_string(), false, vec![(v4, port).into()]),
        Some(url::Host::Ipv6(v6)) => (v6.to_string(), false, vec![(v6, port).into()]),
        None => return Err("the URL has no host".into()),
    };
    if addrs.is_empty() {
        return Err("the host does not resolve".into());
    }
    if !allow_private {
        if let Some(bad) = addrs.iter().find(|a| is_forbidden(a.ip())) {
            return Err(format!(
                "the host resolves to {}, a private, loopback or reserved address, which webhooks may not call",
                bad.ip()
            ));
        }
    }
    Ok(Target {
        host,
        is_name,
        addrs,
    })
}

/// Only the verdict, for registration.
pub fn check(url: &str, allow_private: bool) -> Result<(), String> {
    resolve(url, allow_private).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_public_ranges_are_forbidden_in_every_spelling() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.0.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "100.127.255.254",
            "198.18.0.1",
            "198.19.255.1",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "192.0.0.8",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "2001:db8::1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(is_forbidden(ip), "{ip} must be refused");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "100.128.0.1",
            "198.20.0.1",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(!is_forbidden(ip), "{ip} is public");
        }
    }

    #[test]
    fn urls_are_read_as_the_sender_reads_them() {
        for url in [
            "http://127.0.0.1:9/x",
            "http://10.1.2.3/x",
            "http://[::1]:80/",
            "http://[::ffff:7f00:1]/",
            "http://0x7f.1/",
            "http://2130706433/",
            "http://localhost:8080/",
            "http://169.254.169.254/latest",
        ] {
            assert!(resolve(url, false).is_err(), "{url}");
        }
        let target = resolve("http://localhost:9/x", true).unwrap();
        assert!(target.is_name);
        assert!(target.addrs.iter().all(|a| a.port() == 9));
        assert_eq!(
            resolve("https://127.0.0.1/x", true).unwrap().addrs,
            vec!["127.0.0.1:443".parse::<SocketAddr>().unwrap()]
        );
        assert!(resolve("ftp://example.com/", true).is_err());
        assert!(resolve("http://user@127.0.0.1/", true).is_err());
        assert!(resolve("http://a b/", true).is_err());
    }
}
