//! Where a file that runs `terraform init` writes something secret, so that snippets of it
//! never show the value: `secret_key=…` on a command line (whether or not Terraform reads it
//! there), `export AWS_SECRET_ACCESS_KEY=…`, `SPACES_TOKEN: …` in a YAML `env:` block.

use std::ops::Range;

/// Parts of a name that make its value secret (compared in lowercase). Each starts with
/// one of [`PART_STARTS`].
const SECRET_NAME_PARTS: &[&str] = &[
    "access_key",
    "access_id",
    "secret",
    "token",
    "password",
    "sse_customer_key",
    "private",
    "api_key",
    "credentials",
    "sas_",
];

/// The first letters of [`SECRET_NAME_PARTS`]: a part is tried only where the name has one.
const PART_STARTS: &[u8] = b"acpst";

/// Whether a name (an environment variable, a `-backend-config` key, a YAML key) holds a
/// secret: the one test for every scanner of init sources.
pub fn is_secret_name(name: &str) -> bool {
    is_secret_name_bytes(name.as_bytes())
}

/// [`is_secret_name`] on bytes, without allocating: for scans that test every identifier of
/// a text (the masking of snippets).
pub fn is_secret_name_bytes(name: &[u8]) -> bool {
    // `shared_credentials_file`, `token_path`: where a secret is, not the secret.
    let ends = |suffix: &[u8]| {
        name.len() >= suffix.len() && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    if [&b"_file"[..], b"_files", b"_path"].into_iter().any(ends) {
        return false;
    }
    (0..name.len()).any(|at| {
        PART_STARTS.contains(&name[at].to_ascii_lowercase())
            && SECRET_NAME_PARTS.iter().any(|p| {
                name[at..]
                    .get(..p.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(p.as_bytes()))
            })
    })
}

/// The end of the shell or workflow reference that starts at `at` (`$NAME`, `${NAME}`,
/// `$(…)`, `${{ … }}`, or a `{…}` template), or the end of the text when it is not closed.
fn reference_end(bytes: &[u8], at: usize) -> usize {
    let find = |from: usize, needle: &[u8]| {
        memchr::memmem::find(&bytes[from.min(bytes.len())..], needle)
            .map_or(bytes.len(), |n| from + n + needle.len())
    };
    match (bytes.get(at), bytes.get(at + 1), bytes.get(at + 2)) {
        (Some(b'$'), Some(b'{'), Some(b'{')) => find(at + 3, b"}}"),
        (Some(b'$'), Some(b'{'), _) => find(at + 2, b"}"),
        (Some(b'$'), Some(b'('), _) => find(at + 2, b")"),
        (Some(b'{'), _, _) => find(at + 1, b"}"),
        _ => {
            let mut end = at + 1;
            while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
                end += 1;
            }
            end
        }
    }
}

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
        if !is_secret_name(&text[start..i]) {
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
        let value_start = j;
        // A value that is one reference from end to end is no secret; a literal before or
        // after a reference is, so then the whole value is masked.
        let reference = matches!(bytes.get(j), Some(b'$' | b'{'));
        if reference {
            j = reference_end(bytes, j);
        }
        let literal_from = j;
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
        let mut literal = j > literal_from || (!reference && j > value_start);
        // Shell words join: `"$X"tail` goes on after the closing quote.
        if quote.is_some_and(|q| bytes.get(j) == Some(&q)) {
            let mut k = j + 1;
            while k < bytes.len()
                && !(bytes[k].is_ascii_whitespace() || b"\"';&|)\\`".contains(&bytes[k]))
            {
                k += 1;
            }
            if k > j + 1 {
                literal = true;
                j = k;
            }
        }
        if literal {
            out.push(value_start..j);
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_starts_with_a_letter_looked_for() {
        for part in SECRET_NAME_PARTS {
            assert!(PART_STARTS.contains(&part.as_bytes()[0]), "{part}");
        }
        assert!(is_secret_name("AWS_Secret_Access_Key"));
        assert!(is_secret_name("x_SAS_token_y"));
        assert!(!is_secret_name("token_path"));
        assert!(!is_secret_name("bucket"));
    }

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
        // A literal beside a reference is a secret; so is a value of any secret-looking name.
        assert_eq!(
            masked("export AWS_SECRET_ACCESS_KEY=${P}TailFour DB_PASSWORD=\"$X\"TailSeven"),
            ["${P}TailFour", "$X\"TailSeven"]
        );
        assert_eq!(masked("export GOOGLE_CREDENTIALS=TailFive"), ["TailFive"]);
        // Where a secret is kept is no secret.
        assert_eq!(
            masked("shared_credentials_file=~/.aws/x AWS_WEB_IDENTITY_TOKEN_FILE=/t"),
            Vec::<&str>::new()
        );
    }
}
