//! `pc log`'s output, as istioctl's `logCmd` prints it: for each pod, `POD.NAMESPACE:` on
//! its own line, then Envoy's answer to the last `/logging` call as Envoy wrote it (its
//! `active loggers:` list ends with a blank line, which separates the pods).

use std::io::{self, Write};

/// Writes one proxy's answer under its name (`POD.NAMESPACE`, or the `--admin` URL).
pub fn write_answer(out: &mut dyn Write, proxy: &str, answer: &str) -> io::Result<()> {
    write!(out, "{proxy}:\n{answer}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_line_then_the_answer_untouched() {
        let mut out = Vec::new();
        write_answer(
            &mut out,
            "httpbin.default",
            "active loggers:\n  http: debug\n\n",
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "httpbin.default:\nactive loggers:\n  http: debug\n\n"
        );
    }
}
