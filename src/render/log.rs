//! `pc log`'s output, as istioctl's `logCmd` prints it: for each pod, `POD.NAMESPACE:` on
//! its own line, then Envoy's answer to the last `/logging` call as Envoy wrote it (its
//! `active loggers:` list ends with a blank line, which separates the pods). The answer
//! comes from the proxy, so control characters other than its line ends are escaped.

use std::io::{self, Write};

use crate::util::sanitize::sanitize;

/// Writes one proxy's answer under its name (`POD.NAMESPACE`, or the `--admin` URL).
pub fn write_answer(out: &mut dyn Write, proxy: &str, answer: &str) -> io::Result<()> {
    writeln!(out, "{}:", sanitize(proxy))?;
    for line in answer.split_inclusive('\n') {
        match line.strip_suffix('\n') {
            Some(text) => writeln!(out, "{}", sanitize(text))?,
            None => write!(out, "{}", sanitize(line))?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(proxy: &str, answer: &str) -> String {
        let mut out = Vec::new();
        write_answer(&mut out, proxy, answer).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn name_line_then_the_answer_untouched() {
        assert_eq!(
            written("httpbin.default", "active loggers:\n  http: debug\n\n"),
            "httpbin.default:\nactive loggers:\n  http: debug\n\n"
        );
        assert_eq!(written("p.ns", "no end"), "p.ns:\nno end");
    }

    #[test]
    fn control_characters_from_the_proxy_are_escaped() {
        assert_eq!(
            written("p.ns", "active loggers:\n  \x1b[2Jhttp: debug\r\n\n"),
            "p.ns:\nactive loggers:\n  \\u{1b}[2Jhttp: debug\\r\n\n"
        );
    }
}
