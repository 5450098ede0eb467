//! DigitalOcean Spaces facts: its regions and the shape of its endpoints.

/// Spaces regions (DigitalOcean's Terraform provider, Aug 2026). New regions appear every
/// year or so; users add them with `spaces-regions` in `tfblint.toml`.
pub const SPACES_REGIONS: &[&str] = &[
    "ams3", "atl1", "blr1", "fra1", "lon1", "nyc3", "sfo2", "sfo3", "sgp1", "syd1", "tor1",
];

/// The domain every Spaces host is under.
pub const SPACES_DOMAIN: &str = "digitaloceanspaces.com";

/// An endpoint URL taken apart without judging it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `https`, `http`, … or `None` when the value has no `scheme://`.
    pub scheme: Option<String>,
    /// Lower-cased host without port.
    pub host: String,
    /// Everything from the first `/` after the host, without query or fragment.
    pub path: String,
    pub has_query: bool,
    pub has_userinfo: bool,
}

impl Endpoint {
    pub fn parse(raw: &str) -> Endpoint {
        let raw = raw.trim();
        let (scheme, rest) = match raw.split_once("://") {
            Some((s, rest))
                if !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
            {
                (Some(s.to_ascii_lowercase()), rest)
            }
            _ => (None, raw),
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let (has_userinfo, hostport) = match authority.rsplit_once('@') {
            Some((_, hp)) => (true, hp),
            None => (false, authority),
        };
        let host = match hostport.rsplit_once(':') {
            Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
            _ => hostport,
        };
        let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
        Endpoint {
            scheme,
            host: host.trim_end_matches('.').to_ascii_lowercase(),
            path: tail[..path_end].to_string(),
            has_query: tail.contains('?'),
            has_userinfo,
        }
    }

    /// A host under `digitaloceanspaces.com`.
    pub fn is_spaces(&self) -> bool {
        self.host == SPACES_DOMAIN || self.host.ends_with(&format!(".{SPACES_DOMAIN}"))
    }

    /// The labels in front of `.digitaloceanspaces.com`, e.g. `["nyc3"]` or `["bucket", "nyc3"]`.
    pub fn spaces_labels(&self) -> Option<Vec<&str>> {
        let prefix = self.host.strip_suffix(SPACES_DOMAIN)?.strip_suffix('.')?;
        Some(prefix.split('.').collect())
    }

    /// The region of a regional Spaces endpoint `<region>.digitaloceanspaces.com`.
    pub fn spaces_region(&self) -> Option<&str> {
        match self.spaces_labels()?.as_slice() {
            [region] => Some(region),
            _ => None,
        }
    }
}

/// Whether `name` is a known Spaces region (built in, or added by configuration).
pub fn is_spaces_region(name: &str, extra: &[String]) -> bool {
    SPACES_REGIONS.contains(&name) || extra.iter().any(|r| r == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spaces_endpoints() {
        let e = Endpoint::parse("https://NYC3.digitaloceanspaces.com");
        assert_eq!(e.scheme.as_deref(), Some("https"));
        assert_eq!(e.host, "nyc3.digitaloceanspaces.com");
        assert!(e.is_spaces());
        assert_eq!(e.spaces_region(), Some("nyc3"));

        let e = Endpoint::parse("nyc3.digitaloceanspaces.com");
        assert_eq!(
            (e.scheme, e.host.as_str()),
            (None, "nyc3.digitaloceanspaces.com")
        );

        let e = Endpoint::parse("https://my-bucket.fra1.digitaloceanspaces.com/state?x=1");
        assert_eq!(e.spaces_labels(), Some(vec!["my-bucket", "fra1"]));
        assert_eq!(e.spaces_region(), None);
        assert_eq!(e.path, "/state");
        assert!(e.has_query);

        let e = Endpoint::parse("https://key:secret@minio.local:9000");
        assert!(e.has_userinfo);
        assert_eq!(e.host, "minio.local");
        assert!(!e.is_spaces());
        assert!(!Endpoint::parse("https://evil-digitaloceanspaces.com").is_spaces());
    }
}
