//! The fixed patterns of Istio's CRDs, matched by hand (no regex engine on the hot path).

/// Patterns used by Istio's CRDs, matched by hand (no regex engine on the hot path).
#[derive(Debug, Clone, Copy)]
pub enum Pattern {
    /// `(^$|^[a-f0-9]{64}$)`
    Sha256,
    /// `^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
    Group,
    /// `^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$`
    Kind,
}

impl Pattern {
    /// The pattern as the CRD writes it.
    pub fn text(self) -> &'static str {
        match self {
            Pattern::Sha256 => "(^$|^[a-f0-9]{64}$)",
            Pattern::Group => {
                "^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
            }
            Pattern::Kind => "^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$",
        }
    }

    /// Whether `s` matches the pattern.
    pub fn is_match(self, s: &str) -> bool {
        match self {
            Pattern::Sha256 => {
                s.is_empty()
                    || (s.len() == 64 && s.bytes().all(|b| matches!(b, b'a'..=b'f' | b'0'..=b'9')))
            }
            Pattern::Group => s.is_empty() || s.split('.').all(|l| is_label(l, false)),
            Pattern::Kind => {
                s.starts_with(|c: char| c.is_ascii_alphabetic())
                    && !s.ends_with('-')
                    && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            }
        }
    }
}

/// A DNS-1123 label (lowercase unless `upper`).
fn is_label(l: &str, upper: bool) -> bool {
    let ok =
        |b: u8| b.is_ascii_digit() || b.is_ascii_lowercase() || (upper && b.is_ascii_uppercase());
    !l.is_empty()
        && l.bytes().all(|b| ok(b) || b == b'-')
        && !l.starts_with('-')
        && !l.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(Pattern::Sha256.is_match(""));
        assert!(!Pattern::Sha256.is_match("ABC"));
        assert!(Pattern::Group.is_match("gateway.networking.k8s.io"));
        assert!(!Pattern::Group.is_match("Gateway..io"));
        assert!(Pattern::Kind.is_match("Service"));
        assert!(!Pattern::Kind.is_match("1Service"));
    }
}
