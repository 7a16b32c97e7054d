//! The one reader of Istio version strings, as the bootstrap's `ISTIO_VERSION` and
//! `--istio-version` write them: `1.N`, `1.N.P`, `1.N-dev`, `1.N.P-distro.1`. Callers
//! decide how strict to be about what follows the minor number.

/// A version's minor number and what follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IstioVersion<'a> {
    /// N of `1.N`.
    pub minor: u32,
    /// The text after the minor number (`.P`, `-dev`, ...), possibly empty.
    pub rest: &'a str,
}

impl IstioVersion<'_> {
    /// `1.N` or `1.N.…`: a release number with nothing glued to the minor.
    pub fn is_release(&self) -> bool {
        self.rest.is_empty() || self.rest.starts_with('.')
    }

    /// A release number, or a build of one (`1.N-dev`, `1.N-alpha.0`).
    pub fn is_release_or_build(&self) -> bool {
        self.is_release() || self.rest.starts_with('-')
    }
}

/// `1.N…` → N and the rest; `None` for another major version or no minor digits.
pub fn parse(version: &str) -> Option<IstioVersion<'_>> {
    let after = version.strip_prefix("1.")?;
    let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let minor = after[..digits].parse().ok()?;
    Some(IstioVersion {
        minor,
        rest: &after[digits..],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_minor_and_rest() {
        let cases = [
            ("1.12", Some((12, ""))),
            ("1.30.1", Some((30, ".1"))),
            ("1.24-dev", Some((24, "-dev"))),
            ("1.", None),
            ("2.0", None),
            ("1.x", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text).map(|v| (v.minor, v.rest)), want, "{text}");
        }
        assert!(parse("1.30.1").is_some_and(|v| v.is_release()));
        assert!(parse("1.30-dev").is_some_and(|v| !v.is_release() && v.is_release_or_build()));
        assert!(parse("1.30x").is_some_and(|v| !v.is_release_or_build()));
    }
}
