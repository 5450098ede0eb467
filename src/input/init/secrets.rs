//! Where a file that runs `terraform init` writes something secret, so that snippets of it
//! never show the value: `secret_key=…` on a command line (whether or not Terraform reads it
//! there), `export AWS_SECRET_ACCESS_KEY=…`, `SPACES_TOKEN: …` in a YAML `env:` block.

use std::ops::Range;

/// Parts of a name that make its value secret (compared in lowercase).
const SECRET_NAME_PARTS: &[&str] = &[
    "access_key",
    "secret",
    "token",
    "password",
    "sse_customer_key",
    "private_key",
    "api_key",
];

/// Byte ranges of the values assigned to secret-looking names in `text`: `NAME=VALUE`,
/// `NAME: VALUE`, quoted or not. A value that is a reference (`$X`, `${{ secrets.X }}`) is
/// kept: it is no secret.
pub fn secret_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !(is_ident(bytes[i]) && (i == 0 || !is_ident(bytes[i - 1]))) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        let name = text[start..i].to_ascii_lowercase();
        if !SECRET_NAME_PARTS.iter().any(|p| name.contains(p)) {
            continue;
        }
        let mut j = i;
        match bytes.get(j) {
            Some(b'=') => j += 1,
            Some(b':') => {
                j += 1;
                while matches!(bytes.get(j), Some(b' ' | b'\t')) {
                    j += 1;
                }
            }
            _ => continue,
        }
        let quote = match bytes.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                j += 1;
                Some(q)
            }
            _ => None,
        };
        if matches!(bytes.get(j), Some(b'$' | b'{')) {
            continue;
        }
        let value_start = j;
        while j < bytes.len() {
            let b = bytes[j];
            let ends = match quote {
                Some(q) => b == q || b == b'\n' || b == b'\r',
                None => b.is_ascii_whitespace() || b"\"';&|)\\`".contains(&b),
            };
            if ends {
                break;
            }
            j += 1;
        }
        if j > value_start {
            out.push(value_start..j);
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> Vec<&str> {
        secret_ranges(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn values_of_secret_names_anywhere() {
        assert_eq!(
            masked("x \"secret_key=abc123\" -backend-config=access_key=KEYID \\\n"),
            ["abc123", "KEYID"]
        );
        assert_eq!(
            masked("export AWS_SECRET_ACCESS_KEY='s3cr3t'; SPACES_TOKEN: dop_v1_x\n"),
            ["s3cr3t", "dop_v1_x"]
        );
        assert_eq!(
            masked("token=${{ secrets.T }} password: $PW bucket=b"),
            Vec::<&str>::new()
        );
        assert_eq!(masked("tokens=é☃"), ["é☃"]);
    }
}
