//! How results print, as kubectl prints them from Go: strings raw, other scalars as
//! `fmt.Fprint` does, objects and arrays as `encoding/json` does (compact, keys sorted,
//! HTML characters escaped, Go's float spelling). It must not select or evaluate anything.

use serde_json::{Number, Value};

/// kubectl prints objects and arrays with Go's `json.Marshal` and everything else with
/// `fmt.Fprint`: strings raw, and numbers the way Go formats them.
pub(super) fn print_value(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => out.push_str(s),
        Value::Number(n) => out.push_str(&go_number(n, FloatStyle::Print)),
        Value::Object(_) | Value::Array(_) => write_go_json(value, out),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
    }
}

/// Compact JSON as Go's `encoding/json` writes a decoded document: keys sorted bytewise,
/// `<`, `>`, `&`, U+2028 and U+2029 escaped, and Go's float spelling.
fn write_go_json(value: &Value, out: &mut String) {
    match value {
        Value::Number(n) => out.push_str(&go_number(n, FloatStyle::Json)),
        Value::String(s) => write_go_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json_string(key, out);
                out.push(':');
                write_go_json(item, out);
            }
            out.push('}');
        }
        scalar => print_value(scalar, out),
    }
}

fn write_go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\0'..='\x1f' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Where a float is printed: Go's `fmt` and `encoding/json` spell them differently.
#[derive(Clone, Copy, PartialEq)]
enum FloatStyle {
    /// `fmt.Fprint` (`%v`): exponent form below 1e-4 and from 1e6 (`1e+06`).
    Print,
    /// `json.Marshal`: exponent form below 1e-6 and from 1e21 (`1e-7`, `1e+21`).
    Json,
}

/// kubectl decodes integers that fit int64 as such and every other number as float64.
fn go_number(n: &Number, style: FloatStyle) -> String {
    match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => i.to_string(),
        (None, Some(f)) => go_float(f, style),
        (None, None) => n.to_string(),
    }
}

/// Go's shortest round-trip float text, built from Rust's (same digits, other layout).
fn go_float(f: f64, style: FloatStyle) -> String {
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent_form = match style {
        FloatStyle::Print => !(-4..6).contains(&exp),
        FloatStyle::Json => f != 0.0 && !(1e-6..1e21).contains(&f.abs()),
    };
    if exponent_form {
        let (first, rest) = digits.split_at(digits.len().min(1));
        let point = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        // Go pads the exponent to two digits; encoding/json strips that from `e-07`.
        let width = if style == FloatStyle::Json && exp < 0 {
            1
        } else {
            2
        };
        return format!(
            "{sign}{first}{point}{rest}e{exp_sign}{:0width$}",
            exp.unsigned_abs()
        );
    }
    let digits_len = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if exp < 0 {
        let zeros = "0".repeat(exp.unsigned_abs() as usize - 1);
        return format!("{sign}0.{zeros}{digits}");
    }
    if digits_len <= exp + 1 {
        let zeros = "0".repeat((exp + 1 - digits_len) as usize);
        return format!("{sign}{digits}{zeros}");
    }
    let (int, frac) = digits.split_at(exp as usize + 1);
    format!("{sign}{int}.{frac}")
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::render::jsonpath::test_support::check;

    /// Expected texts are kubectl 1.32's output for the same document.
    #[test]
    fn prints_like_go() {
        let doc: Value = serde_json::from_str(
            r#"{
                "f": [100000.5, 1234567.0, 0.0001, 0.00001, 1e100, 5e-324, 1.7976931348623157e308,
                      0.1, 123456, 1e2, 1e21, 1e6, 1000000.5, 0.000001, 0.0000001, 123456789012.5,
                      1e20, 9007199254740993, -0.0, 2.50, -1.5e-7, 18446744073709551615],
                "m": {"s": "\b\f\u0001\u007f\u2028\u2029<>&\"\\\t\n\r/é😀",
                      "f": [1e100, 5e-324, 0.1, 1e2, 1.0, 1e-6, 1.5e-7, 1e21, 1e20, -0.0,
                            123456789012.5, 18446744073709551615, 0.00001234]}
            }"#,
        )
        .unwrap();
        check(&[
            (
                "{range .f[*]}{@}|{end}",
                doc.clone(),
                "100000.5|1.234567e+06|0.0001|1e-05|1e+100|5e-324|1.7976931348623157e+308|0.1|\
                 123456|100|1e+21|1e+06|1.0000005e+06|1e-06|1e-07|1.234567890125e+11|1e+20|\
                 9007199254740993|-0|2.5|-1.5e-07|1.8446744073709552e+19|",
            ),
            (
                "{.f}",
                doc.clone(),
                "[100000.5,1234567,0.0001,0.00001,1e+100,5e-324,1.7976931348623157e+308,0.1,\
                 123456,100,1e+21,1000000,1000000.5,0.000001,1e-7,123456789012.5,\
                 100000000000000000000,9007199254740993,-0,2.5,-1.5e-7,18446744073709552000]",
            ),
            (
                "{.m}",
                doc.clone(),
                "{\"f\":[1e+100,5e-324,0.1,100,1,0.000001,1.5e-7,1e+21,100000000000000000000,-0,\
                 123456789012.5,18446744073709552000,0.00001234],\
                 \"s\":\"\\b\\f\\u0001\u{7f}\\u2028\\u2029\\u003c\\u003e\\u0026\\\"\\\\\\t\\n\\r/é😀\"}",
            ),
            (
                "{.m.s}",
                doc.clone(),
                "\u{8}\u{c}\u{1}\u{7f}\u{2028}\u{2029}<>&\"\\\t\n\r/é😀",
            ),
            (
                "{.a}",
                json!({"a": {"x": "<&>"}}),
                r#"{"x":"\u003c\u0026\u003e"}"#,
            ),
        ]);
    }
}
