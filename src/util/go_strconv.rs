//! Go's `strconv.Atoi`, ported where istioctl reads numbers out of names (cluster ports,
//! route names): its answer on bad input decides row order and cells, so it must be Go's.

/// Go's `strconv.Atoi(s)` on a 64-bit platform: the value and whether it parsed without
/// error. As in Go, a syntax error gives 0 and a value out of range the nearest `i64`
/// (golang/go `src/strconv/atoi.go`: `ParseInt` clamps, `ParseUint` stops at the first
/// overflow before looking at the rest), one optional sign, decimal digits only.
pub fn atoi(s: &str) -> (i64, bool) {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return (0, false);
    }
    let clamped = if negative { i64::MIN } else { i64::MAX };
    let mut n: u64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return (0, false);
        }
        match n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(b - b'0')))
        {
            Some(next) => n = next,
            None => return (clamped, false),
        }
    }
    match (negative, i64::try_from(n)) {
        (false, Ok(v)) => (v, true),
        (true, Ok(v)) => (-v, true),
        (true, Err(_)) if n == i64::MIN.unsigned_abs() => (i64::MIN, true),
        (_, Err(_)) => (clamped, false),
    }
}

#[cfg(test)]
mod tests {
    use super::atoi;

    #[test]
    fn as_go_atoi() {
        assert_eq!(atoi("8000"), (8000, true));
        assert_eq!(atoi("+7"), (7, true));
        assert_eq!(atoi("-7"), (-7, true));
        assert_eq!(atoi("007"), (7, true));
        for bad in ["", "+", "-", "8x", " 8", "8 ", "1_000", "0x10"] {
            assert_eq!(atoi(bad), (0, false), "{bad:?}");
        }
        assert_eq!(atoi("9223372036854775807"), (i64::MAX, true));
        assert_eq!(atoi("9223372036854775808"), (i64::MAX, false));
        assert_eq!(atoi("-9223372036854775808"), (i64::MIN, true));
        assert_eq!(atoi("-9223372036854775809"), (i64::MIN, false));
        // ParseUint reports the overflow before it sees the bad byte after it.
        assert_eq!(atoi("99999999999999999999x"), (i64::MAX, false));
    }
}
