//! Finds where each config section of a dump starts and ends without parsing it, so that
//! the sections can be parsed on several cores at once.
//!
//! Envoy writes `{"configs": [S, S, ...]}` and begins every section object with its
//! `"@type"` (`type.googleapis.com/envoy.admin.v3.<Name>ConfigDump`). In valid JSON the
//! text `{ "@type" : "type.googleapis.com/envoy.admin.v3.` can only be the start of an
//! object whose first key is `@type` (a quote inside a string is escaped, so none of those
//! quotes can be inside one), so searching for that text finds every section, and perhaps
//! nested objects that look the same.
//!
//! The split is a guess until the sections are parsed: the text around the guessed
//! sections must be exactly `{"configs":[` and `]}` and the text between two of them a
//! comma, all with only whitespace besides, and each section must then parse as one
//! whole JSON value ([`crate::envoy::dump`] does that). When all of it holds, the document is
//! exactly these sections in this order, so parsing them apart gives what parsing the
//! whole would. Any other shape is not split; the loader parses it in one pass.
//! One difference that shows nowhere: a section parsed alone starts two levels below
//! serde_json's nesting limit of 128 instead of at it, so a listener nested within two
//! levels of the limit decodes apart where the one pass would stop; the one pass then
//! decodes each listener from its own text, which has more room still, and gets the same.

use std::ops::Range;

use memchr::memmem;

/// What every section's `"@type"` value starts with, quote included.
const SECTION_TYPE: &[u8] = b"\"type.googleapis.com/envoy.admin.v3.";

/// The byte ranges of the sections of a `{"configs": [...]}` document, in order, or `None`
/// when the text does not have that plain shape. Searches on `threads` threads.
pub(crate) fn split(text: &[u8], threads: usize) -> Option<Vec<Range<usize>>> {
    let first = configs_start(text)?;
    let last_end = configs_end(text, first)?;
    let mut starts = vec![first];
    starts.extend(
        section_type_hits(text, threads)
            .into_iter()
            .filter_map(|hit| object_start(text, hit))
            .filter(|&start| start > first),
    );
    let mut ranges = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = match starts.get(i + 1) {
            Some(&next) => before_comma(text, next, start)?,
            None => last_end,
        };
        if end <= start {
            return None;
        }
        ranges.push(start..end);
    }
    Some(ranges)
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Past `{ "configs" : [`, at the first section's `{`.
fn configs_start(text: &[u8]) -> Option<usize> {
    let mut at = 0;
    for token in [&b"{"[..], b"\"configs\"", b":", b"["] {
        at = skip_ws(text, at);
        at += token.len();
        if text.get(at - token.len()..at)? != token {
            return None;
        }
    }
    let at = skip_ws(text, at);
    (text.get(at) == Some(&b'{')).then_some(at)
}

/// Where the last section ends: before `] }` and whitespace at the end of the text.
fn configs_end(text: &[u8], first: usize) -> Option<usize> {
    let mut end = text.len();
    for token in [b'}', b']'] {
        end = trim_ws(text, end, first);
        if end <= first || text[end - 1] != token {
            return None;
        }
        end -= 1;
    }
    Some(trim_ws(text, end, first))
}

/// Where a section ends when the next one starts at `next`: before `,` and whitespace.
fn before_comma(text: &[u8], next: usize, floor: usize) -> Option<usize> {
    let end = trim_ws(text, next, floor);
    (end > floor && text[end - 1] == b',').then(|| trim_ws(text, end - 1, floor))
}

fn skip_ws(text: &[u8], mut at: usize) -> usize {
    while text.get(at).copied().is_some_and(is_ws) {
        at += 1;
    }
    at
}

/// `end` moved back over whitespace, not below `floor`.
fn trim_ws(text: &[u8], mut end: usize, floor: usize) -> usize {
    while end > floor && is_ws(text[end - 1]) {
        end -= 1;
    }
    end
}

/// The `{` of `{ "@type" :` before a section type value at `hit`, if that is what is there.
fn object_start(text: &[u8], hit: usize) -> Option<usize> {
    let mut end = trim_ws(text, hit, 0);
    for token in [&b":"[..], b"\"@type\"", b"{"] {
        end = trim_ws(text, end, 0);
        let start = end.checked_sub(token.len())?;
        if &text[start..end] != token {
            return None;
        }
        end = start;
    }
    Some(end)
}

/// Every place [`SECTION_TYPE`] occurs, in order; the text is searched in `threads` parts
/// at once (memmem runs at memory speed, but a gigabyte still takes tens of milliseconds).
fn section_type_hits(text: &[u8], threads: usize) -> Vec<usize> {
    let threads = threads.clamp(1, 8);
    let part = text.len().div_ceil(threads).max(1);
    let finder = memmem::Finder::new(SECTION_TYPE);
    let search = |from: usize| -> Vec<usize> {
        let to = (from + part + SECTION_TYPE.len() - 1).min(text.len());
        finder
            .find_iter(&text[from..to])
            .map(|at| from + at)
            // A match that starts in the next part belongs to that part.
            .filter(|&at| at < from + part)
            .collect()
    };
    let starts: Vec<usize> = (0..text.len()).step_by(part).collect();
    if starts.len() <= 1 {
        return starts.first().map_or_else(Vec::new, |&from| search(from));
    }
    std::thread::scope(|scope| {
        // A part whose thread the system will not start (a thread limit) is searched here.
        let handles: Vec<_> = starts[1..]
            .iter()
            .map(|&from| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || search(from))
                    .map_err(|_| from)
            })
            .collect();
        let mut hits = search(starts[0]);
        for handle in handles {
            match handle.map(|h| h.join()) {
                Ok(Ok(more)) => hits.extend(more),
                Ok(Err(panic)) => std::panic::resume_unwind(panic),
                Err(from) => hits.extend(search(from)),
            }
        }
        hits
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections(text: &str, threads: usize) -> Option<Vec<&str>> {
        split(text.as_bytes(), threads).map(|ranges| ranges.into_iter().map(|r| &text[r]).collect())
    }

    const A: &str =
        r#"{"@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump", "x": [1]}"#;
    const B: &str = r#"{ "@type" : "type.googleapis.com/envoy.admin.v3.ListenersConfigDump" }"#;

    #[test]
    fn splits_at_every_section_whatever_the_whitespace() {
        for threads in [1, 2, 3, 8] {
            let text = format!("\n{{ \"configs\" :\n [\n  {A} ,\n{B}\r\n ]\t}}\n");
            assert_eq!(sections(&text, threads).unwrap(), [A, B]);
            let compact = format!("{{\"configs\":[{A},{B},{A}]}}");
            assert_eq!(sections(&compact, threads).unwrap(), [A, B, A]);
        }
    }

    #[test]
    fn a_match_across_the_parts_is_found_once() {
        // Every way of cutting the text into two parts, so some cut falls in a match.
        let text = format!("{{\"configs\":[{A},{B}]}}");
        for len in 1..text.len() {
            let part = len;
            let finder = memmem::Finder::new(SECTION_TYPE);
            let expected: Vec<usize> = finder.find_iter(text.as_bytes()).collect();
            let threads = text.len().div_ceil(part);
            assert_eq!(
                section_type_hits(text.as_bytes(), threads),
                expected,
                "{len}"
            );
        }
    }

    #[test]
    fn other_shapes_are_not_split() {
        for text in [
            format!("[{A}]"),
            format!("{{\"other\":1,\"configs\":[{A}]}}"),
            format!("{{\"configs\":[{A}],\"other\":1}}"),
            format!("{{\"configs\":[{A} {B}]}}"),
            "{\"configs\":[]}".to_string(),
            "{\"configs\":[1]}".to_string(),
            format!("{{\"configs\":[{A}]"),
        ] {
            assert_eq!(sections(&text, 2), None, "{text}");
        }
    }

    #[test]
    fn a_trailing_comma_stays_in_the_last_section_where_its_parse_fails() {
        let text = format!("{{\"configs\":[{A},]}}");
        assert_eq!(sections(&text, 2).unwrap(), [format!("{A},")]);
    }

    #[test]
    fn a_look_alike_nested_object_still_splits_but_cannot_parse() {
        // The guess cuts the outer section in two; the loader's parse of the pieces fails,
        // and it parses the whole document instead.
        let text = format!("{{\"configs\":[{{\"@type\":\"x\",\"a\":[1, {B}]}}]}}");
        let got = sections(&text, 2).unwrap();
        assert_eq!(got.len(), 2);
        assert!(serde_json::from_str::<serde_json::Value>(got[0]).is_err());
    }
}
