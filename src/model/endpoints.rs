//! Every endpoint URL an s3 backend sets, parsed, with a way to point at any part of it.
//!
//! Endpoints come from `endpoints = { s3 = …, iam = …, sts = …, … }` and from the deprecated
//! `endpoint`, `iam_endpoint`, `sts_endpoint` and `dynamodb_endpoint`. Only literal strings
//! are endpoints here; anything dynamic is left to TFB601.

use std::ops::Range;

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::Span;

use crate::input::source::SourceFile;
use crate::model::context::Arg;
use crate::model::spaces::Endpoint;

/// The deprecated top-level arguments that hold an endpoint URL.
pub const DEPRECATED_ENDPOINT_ARGUMENTS: &[&str] = &[
    "endpoint",
    "iam_endpoint",
    "sts_endpoint",
    "dynamodb_endpoint",
];

/// One endpoint URL written as a literal string.
#[derive(Debug, Clone)]
pub struct EndpointValue<'a> {
    pub file: &'a SourceFile,
    /// How the user would name it: `endpoints.s3`, `endpoint`, `iam_endpoint`.
    pub name: String,
    /// The decoded string.
    pub value: &'a str,
    pub endpoint: Endpoint,
    /// The string expression, quotes included.
    span: Range<usize>,
    /// Whether the source text between the quotes is exactly the decoded value, so that
    /// offsets into the value are offsets into the file.
    verbatim: bool,
}

impl<'a> EndpointValue<'a> {
    fn new(file: &'a SourceFile, name: String, expr: &'a Expression) -> Option<Self> {
        let Expression::String(s) = expr else {
            return None;
        };
        let span = expr.span()?;
        let value = s.value().as_str();
        let verbatim = file
            .string_contents(&span)
            .and_then(|inner| file.text.get(inner))
            .is_some_and(|inner| inner == value);
        Some(EndpointValue {
            file,
            name,
            value,
            endpoint: Endpoint::parse(value),
            span,
            verbatim,
        })
    }

    /// The whole string, quotes included.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The file range of `range`, a byte range of the value; the whole string when the
    /// source spells the value with escapes (offsets would not line up) or `range` is empty.
    pub fn span_of(&self, range: Range<usize>) -> Range<usize> {
        if self.verbatim && range.start < range.end && range.end <= self.value.len() {
            let base = self.span.start + 1;
            base + range.start..base + range.end
        } else {
            self.span()
        }
    }

    /// The value without its quotes, or the whole string when it has escapes.
    pub fn contents_span(&self) -> Range<usize> {
        self.span_of(0..self.value.len())
    }
}

/// Every literal endpoint URL among `args`, in order.
pub fn endpoint_values<'a>(args: impl IntoIterator<Item = Arg<'a>>) -> Vec<EndpointValue<'a>> {
    let mut out = Vec::new();
    for arg in args {
        let name = arg.name();
        if name == "endpoints" {
            let Expression::Object(object) = arg.expr() else {
                continue;
            };
            for (key, value) in object.iter() {
                let key = match key {
                    ObjectKey::Ident(ident) => ident.value().as_str(),
                    ObjectKey::Expression(Expression::String(s)) => s.value().as_str(),
                    ObjectKey::Expression(_) => continue,
                };
                out.extend(EndpointValue::new(
                    arg.file,
                    format!("endpoints.{key}"),
                    value.expr(),
                ));
            }
        } else if DEPRECATED_ENDPOINT_ARGUMENTS.contains(&name) {
            out.extend(EndpointValue::new(arg.file, name.to_string(), arg.expr()));
        }
    }
    out
}

/// Whether plain `http://` to `host` stays on the machine or a private network: `localhost`,
/// loopback and RFC 1918 addresses, `.local`/`.internal`/`.localhost` names and single-label
/// names such as `minio` (a container or LAN name).
pub fn is_private_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(&host);
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return match ip {
            std::net::IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
            std::net::IpAddr::V6(v6) => v6.is_loopback(),
        };
    }
    host == "localhost"
        || [".localhost", ".local", ".internal"]
            .iter()
            .any(|suffix| host.ends_with(suffix))
        || (!host.is_empty() && !host.contains('.') && !host.contains(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_public_hosts() {
        for host in [
            "localhost",
            "127.0.0.1",
            "127.8.9.10",
            "[::1]",
            "10.0.0.5",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.10",
            "minio",
            "nas.local",
            "s3.corp.internal",
            "minio.localhost",
        ] {
            assert!(is_private_host(host), "{host} is private");
        }
        for host in [
            "nyc3.digitaloceanspaces.com",
            "8.8.8.8",
            "172.32.0.1",
            "192.169.0.1",
            "[2001:db8::1]",
            "s3.example.com",
            "",
        ] {
            assert!(!is_private_host(host), "{host} is public");
        }
    }
}
