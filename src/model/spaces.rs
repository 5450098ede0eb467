//! DigitalOcean Spaces facts: its regions and the shape of its endpoints.

use std::ops::Range;

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
    /// Where each part is, as byte ranges of the string given to [`Endpoint::parse`].
    pub spans: EndpointSpans,
}

/// Byte ranges of an endpoint's parts within the raw string it was parsed from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointSpans {
    /// `https` (without `://`).
    pub scheme: Option<Range<usize>>,
    /// `user:password` (without the `@`).
    pub userinfo: Option<Range<usize>>,
    /// The host as written, without port.
    pub host: Range<usize>,
    /// `:9000`, when there is a port.
    pub port: Option<Range<usize>>,
    /// From the first `/` after the host to the query or fragment; empty when there is none.
    pub path: Range<usize>,
    /// `?…`, including the `?`, up to a fragment.
    pub query: Option<Range<usize>>,
    /// `#…`, including the `#`.
    pub fragment: Option<Range<usize>>,
}

impl Endpoint {
    pub fn parse(raw: &str) -> Endpoint {
        // Offsets below are into `raw`; `start` skips leading whitespace.
        let start = raw.len() - raw.trim_start().len();
        let end = raw.trim_end().len().max(start);
        let trimmed = &raw[start..end];
        let (scheme, scheme_span, rest_start) = match trimmed.split_once("://") {
            Some((s, _))
                if !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
            {
                (
                    Some(s.to_ascii_lowercase()),
                    Some(start..start + s.len()),
                    start + s.len() + 3,
                )
            }
            _ => (None, None, start),
        };
        let rest = &raw[rest_start..end];
        let authority_end = rest_start + rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &raw[rest_start..authority_end];
        let (userinfo, hostport_start) = match authority.rfind('@') {
            Some(at) => (Some(rest_start..rest_start + at), rest_start + at + 1),
            None => (None, rest_start),
        };
        let hostport = &raw[hostport_start..authority_end];
        let (host_end, port) = match hostport.rsplit_once(':') {
            Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => {
                let host_end = hostport_start + h.len();
                (host_end, Some(host_end..authority_end))
            }
            _ => (authority_end, None),
        };
        let host = &raw[hostport_start..host_end];
        let tail = &raw[authority_end..end];
        let query_start = tail.find('?').map(|i| authority_end + i);
        let fragment_start = tail.find('#').map(|i| authority_end + i);
        // A `?` after the `#` belongs to the fragment.
        let query_start = query_start.filter(|&q| fragment_start.is_none_or(|f| q < f));
        let path_end = query_start.or(fragment_start).unwrap_or(end);
        Endpoint {
            scheme,
            host: host.trim_end_matches('.').to_ascii_lowercase(),
            path: raw[authority_end..path_end].to_string(),
            has_query: tail.contains('?'),
            has_userinfo: userinfo.is_some(),
            spans: EndpointSpans {
                scheme: scheme_span,
                userinfo,
                host: hostport_start..host_end,
                port,
                path: authority_end..path_end,
                query: query_start.map(|q| q..fragment_start.unwrap_or(end)),
                fragment: fragment_start.map(|f| f..end),
            },
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

/// What a host under `digitaloceanspaces.com` is, by the shape of its labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpacesHostKind {
    /// `digitaloceanspaces.com` itself: no region.
    Bare,
    /// `<region>.digitaloceanspaces.com`: the S3 endpoint.
    Regional,
    /// `<bucket>.<region>.digitaloceanspaces.com`: a bucket's origin, not an endpoint.
    Bucket,
    /// `<bucket>.<region>.cdn.digitaloceanspaces.com`: the CDN.
    Cdn,
    /// `<bucket>.<region>-static.digitaloceanspaces.com`: static website hosting.
    Website,
}

/// A Spaces host taken apart. Ranges are byte ranges of [`Endpoint::host`] (which has the same
/// length as the host as written: it is only ASCII-lowercased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpacesHost {
    pub kind: SpacesHostKind,
    pub region: Option<Range<usize>>,
    pub bucket: Option<Range<usize>>,
}

impl Endpoint {
    /// The shape of a Spaces host, or `None` for any other host.
    pub fn spaces_host(&self) -> Option<SpacesHost> {
        if !self.is_spaces() {
            return None;
        }
        let Some(prefix) = self
            .host
            .strip_suffix(SPACES_DOMAIN)
            .and_then(|p| p.strip_suffix('.'))
        else {
            return Some(SpacesHost {
                kind: SpacesHostKind::Bare,
                region: None,
                bucket: None,
            });
        };
        // Byte ranges of each label of `prefix` (which starts at offset 0 of `host`).
        let mut labels = Vec::new();
        let mut at = 0;
        for label in prefix.split('.') {
            labels.push(at..at + label.len());
            at += label.len() + 1;
        }
        let joined = |ls: &[Range<usize>]| match (ls.first(), ls.last()) {
            (Some(first), Some(last)) => Some(first.start..last.end),
            _ => None,
        };
        let last = labels.last().cloned().unwrap_or(0..0);
        let n = labels.len();
        let host = SpacesHost {
            kind: SpacesHostKind::Regional,
            region: None,
            bucket: None,
        };
        Some(if &self.host[last.clone()] == "cdn" {
            SpacesHost {
                kind: SpacesHostKind::Cdn,
                region: (n >= 2).then(|| labels[n - 2].clone()),
                bucket: joined(&labels[..n.saturating_sub(2)]),
            }
        } else if self.host[last.clone()].ends_with(STATIC_SUFFIX) {
            SpacesHost {
                kind: SpacesHostKind::Website,
                region: Some(last.start..last.end - STATIC_SUFFIX.len()),
                bucket: joined(&labels[..n - 1]),
            }
        } else if n == 1 {
            SpacesHost {
                region: Some(last),
                ..host
            }
        } else {
            SpacesHost {
                kind: SpacesHostKind::Bucket,
                region: Some(last),
                bucket: joined(&labels[..n - 1]),
            }
        })
    }
}

impl Endpoint {
    /// On a Spaces host that is not a bucket's own (`https://nyc3.digitaloceanspaces.com/acme`):
    /// the first path segment, which can only be a bucket, as a byte range of the raw string.
    pub fn spaces_bucket_path(&self) -> Option<Range<usize>> {
        let host = self.spaces_host()?;
        if !matches!(host.kind, SpacesHostKind::Regional | SpacesHostKind::Bare) {
            return None;
        }
        let segment = self.path.strip_prefix('/')?;
        let len = segment.find('/').unwrap_or(segment.len());
        let start = self.spans.path.start + 1;
        (len > 0).then_some(start..start + len)
    }
}

/// The label suffix of Spaces' static website hosts.
const STATIC_SUFFIX: &str = "-static";

/// Every region tfblint knows: the built-in list, then those added by configuration.
pub fn all_regions(extra: &[String]) -> Vec<&str> {
    SPACES_REGIONS
        .iter()
        .copied()
        .chain(extra.iter().map(String::as_str))
        .collect()
}

/// The known region nearest to `name` by edit distance, if one is within 2 edits; ties go to
/// the earlier region in [`all_regions`]' order.
pub fn nearest_region<'a>(name: &str, extra: &'a [String]) -> Option<&'a str> {
    let name = name.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for region in all_regions(extra) {
        let d = edit_distance(&name, region);
        if d <= 2 && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, region));
        }
    }
    best.map(|(_, r)| r)
}

/// Levenshtein distance, counted in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Whether a value looks like a guide's placeholder left unfilled: `<your_bucket_region>`,
/// `YOUR_BUCKET`, `{region}`, `xxx`.
pub fn looks_like_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    value.contains(['<', '>', '{', '}'])
        || lower.contains("your")
        || lower.contains("placeholder")
        || lower.contains("changeme")
        || lower.contains("xxx")
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

    #[test]
    fn spans_point_into_the_raw_string() {
        let raw = " https://k:s@Acme.NYC3.digitaloceanspaces.com:443/b/c?x=1#f ";
        let e = Endpoint::parse(raw);
        let part = |r: Option<std::ops::Range<usize>>| r.map(|r| &raw[r]);
        assert_eq!(part(e.spans.scheme.clone()), Some("https"));
        assert_eq!(part(e.spans.userinfo.clone()), Some("k:s"));
        assert_eq!(
            &raw[e.spans.host.clone()],
            "Acme.NYC3.digitaloceanspaces.com"
        );
        assert_eq!(part(e.spans.port.clone()), Some(":443"));
        assert_eq!(&raw[e.spans.path.clone()], "/b/c");
        assert_eq!(e.path, "/b/c");
        assert_eq!(part(e.spans.query.clone()), Some("?x=1"));
        assert_eq!(part(e.spans.fragment.clone()), Some("#f"));

        let e = Endpoint::parse("nyc3.digitaloceanspaces.com");
        assert_eq!(e.spans.scheme, None);
        assert_eq!(e.spans.host, 0..27);
        assert_eq!(e.spans.path, 27..27);
        assert_eq!(e.spans.query, None);
    }

    #[test]
    fn classifies_spaces_hosts() {
        let shape = |raw: &str| {
            let e = Endpoint::parse(raw);
            e.spaces_host().map(|h| {
                let part = |r: Option<std::ops::Range<usize>>| r.map(|r| e.host[r].to_string());
                (h.kind, part(h.bucket), part(h.region))
            })
        };
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            shape("https://nyc3.digitaloceanspaces.com"),
            Some((SpacesHostKind::Regional, None, s("nyc3")))
        );
        assert_eq!(
            shape("https://acme.fra1.digitaloceanspaces.com"),
            Some((SpacesHostKind::Bucket, s("acme"), s("fra1")))
        );
        assert_eq!(
            shape("https://acme.fra1.cdn.digitaloceanspaces.com"),
            Some((SpacesHostKind::Cdn, s("acme"), s("fra1")))
        );
        assert_eq!(
            shape("https://acme.sgp1-static.digitaloceanspaces.com"),
            Some((SpacesHostKind::Website, s("acme"), s("sgp1")))
        );
        assert_eq!(
            shape("https://digitaloceanspaces.com"),
            Some((SpacesHostKind::Bare, None, None))
        );
        assert_eq!(shape("https://minio:9000"), None);
    }

    #[test]
    fn nearest_regions_and_placeholders() {
        let extra = vec!["mex1".to_string()];
        assert_eq!(nearest_region("nyc1", &[]), Some("nyc3"));
        assert_eq!(nearest_region("fra", &[]), Some("fra1"));
        // Equally near sfo2 and sfo3: the list's order decides.
        assert_eq!(nearest_region("sfo", &[]), Some("sfo2"));
        assert_eq!(nearest_region("NYC", &[]), Some("nyc3"));
        assert_eq!(nearest_region("mex", &extra), Some("mex1"));
        assert_eq!(nearest_region("us-east-1", &[]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert!(looks_like_placeholder("<your_bucket_region>"));
        assert!(looks_like_placeholder("YOUR_BUCKET"));
        assert!(!looks_like_placeholder("nyc1"));
        assert!(!looks_like_placeholder("acme-tfstate"));
    }
}
