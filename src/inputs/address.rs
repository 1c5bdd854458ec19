//! Which network addresses a rendered page may reach. A page from the web is kept on the web: a script
//! or a redirect that points the browser at loopback, a private network, link-local addresses (the
//! cloud metadata service at 169.254.169.254) or unique-local IPv6 would otherwise copy what a CI
//! runner inside a company network can see into the store.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is on the machine itself or a network not routed on the internet.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => private_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            // ::ffff:127.0.0.1 is 127.0.0.1.
            Some(v4) => private_v4(v4),
            None => private_v6(v6),
        },
    }
}

fn private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        // 0.0.0.0/8 reaches the machine itself on Linux; 100.64.0.0/10 is carrier-grade NAT.
        || a == 0
        || (a == 100 && (64..128).contains(&b))
}

fn private_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // fc00::/7 unique-local, fe80::/10 link-local.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
}

/// The addresses a render may not reach, and what is let through all the same.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressRule {
    /// Every address may be reached (`--allow-private`).
    pub allow_private: bool,
    /// Addresses counted as public although they are not: only for tests, which have nothing but
    /// loopback to serve pages from.
    pub public: Vec<IpAddr>,
}

impl AddressRule {
    /// Whether a request to `ip` is refused.
    pub fn refuses(&self, ip: IpAddr) -> bool {
        !self.allow_private && is_private(ip) && !self.public.contains(&ip)
    }

    /// The first address of `addresses` a request is refused for: one is enough, since the browser
    /// may connect to any of them.
    pub fn refused(&self, addresses: impl IntoIterator<Item = IpAddr>) -> Option<IpAddr> {
        addresses.into_iter().find(|&ip| self.refuses(ip))
    }
}

/// The addresses `url`'s host stands for: the host itself when it is an address, else what its name
/// resolves to (nothing when it does not resolve within a few seconds: the request will fail as well).
pub async fn lookup(url: &url::Url) -> Vec<IpAddr> {
    match url.host() {
        None => Vec::new(),
        Some(url::Host::Ipv4(ip)) => vec![IpAddr::V4(ip)],
        Some(url::Host::Ipv6(ip)) => vec![IpAddr::V6(ip)],
        // Browsers answer `localhost` and its subdomains themselves, without asking DNS.
        Some(url::Host::Domain(d)) if d == "localhost" || d.ends_with(".localhost") => {
            vec![IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::V6(Ipv6Addr::LOCALHOST)]
        }
        Some(url::Host::Domain(d)) => {
            let port = url.port_or_known_default().unwrap_or(80);
            let found = tokio::time::timeout(std::time::Duration::from_secs(5), tokio::net::lookup_host((d, port)));
            match found.await {
                Ok(Ok(addrs)) => addrs.map(|a| a.ip()).collect(),
                _ => Vec::new(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_private_link_local_and_unique_local_are_private() {
        for ip in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn addresses_on_the_internet_are_public() {
        for ip in [
            "8.8.8.8",
            "172.15.255.255",
            "172.32.0.1",
            "100.128.0.1",
            "193.0.14.129",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn a_url_stands_for_its_address_or_what_its_name_resolves_to() {
        let at = |u: &str| url::Url::parse(u).unwrap();
        assert_eq!(
            lookup(&at("http://10.0.0.1/p")).await,
            ["10.0.0.1".parse::<IpAddr>().unwrap()]
        );
        assert_eq!(
            lookup(&at("http://[::1]:8080/")).await,
            ["::1".parse::<IpAddr>().unwrap()]
        );
        assert!(
            lookup(&at("http://intranet.localhost/"))
                .await
                .iter()
                .all(|&ip| is_private(ip))
        );
        assert!(lookup(&at("data:text/plain,hi")).await.is_empty());
    }

    #[test]
    fn allow_private_and_listed_public_addresses_let_requests_through() {
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        let second: IpAddr = "127.0.0.2".parse().unwrap();
        let rule = AddressRule {
            allow_private: false,
            public: vec![second],
        };
        assert!(rule.refuses(loopback));
        assert!(!rule.refuses(second));
        assert_eq!(rule.refused([second, loopback]), Some(loopback));
        let open = AddressRule {
            allow_private: true,
            public: Vec::new(),
        };
        assert!(!open.refuses(loopback));
    }
}
