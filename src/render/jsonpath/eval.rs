//! Runs a parsed template over a `serde_json::Value`: text, printed actions, `{range}`
//! bodies, and each kubectl path step, with kubectl's rules for missing fields and
//! slices. It must not parse template text; `[?(…)]` tests are in `filter`, printing in
//! `printer`, and RFC 9535 queries run in `rfc9535`.

use serde_json::Value;

use super::ast::{Expr, Piece, Slice, Step, StepKind};
use super::filter::{kind_of, matches_filter};
use super::printer::print_value;
use super::{Located, Problem, rfc9535};

/// Whether a missing field is an error (top level) or nothing (range bodies, filters).
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Mode {
    Strict,
    Lenient,
}

/// Appends what `pieces` print for `node` to `out`.
pub(super) fn render_pieces<'a>(
    pieces: &'a [Piece],
    node: &'a Value,
    mode: Mode,
    out: &mut String,
) -> Result<(), Located> {
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Print(expr) => {
                for (i, value) in eval_expr(expr, node, mode)?.into_iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    print_value(value, out);
                }
            }
            // Each item becomes `@`. Missing keys in the body print nothing, as kubectl's
            // default does, so lists whose items differ in shape still print.
            Piece::Range { expr, body } => {
                for item in eval_expr(expr, node, mode)? {
                    render_pieces(body, item, Mode::Lenient, out)?;
                }
            }
        }
    }
    Ok(())
}

fn eval_expr<'a>(expr: &'a Expr, node: &'a Value, mode: Mode) -> Result<Vec<&'a Value>, Located> {
    match expr {
        Expr::Path(steps) => eval_steps(steps, vec![node], mode),
        Expr::Rfc9535 { query, start, end } => rfc9535::eval(query, node, *start, *end),
    }
}

fn eval_steps<'a>(
    steps: &'a [Step],
    mut current: Vec<&'a Value>,
    mode: Mode,
) -> Result<Vec<&'a Value>, Located> {
    for step in steps {
        current = eval_step(&step.kind, current, mode)
            .map_err(|problem| Located::new(step.start, step.end, problem))?;
    }
    Ok(current)
}

pub(super) fn eval_step<'a>(
    kind: &'a StepKind,
    input: Vec<&'a Value>,
    mode: Mode,
) -> Result<Vec<&'a Value>, Problem> {
    let mut out = Vec::new();
    match kind {
        StepKind::Field(name) => {
            out.extend(input.iter().filter_map(|v| v.get(name.as_str())));
            missing(&out, &input, name, mode)?;
        }
        StepKind::Key { literal, path } => {
            for v in &input {
                // kubectl's path first, so templates that work there mean the same here.
                let found = path
                    .iter()
                    .try_fold(*v, |v, seg| v.get(seg.as_str()))
                    .or_else(|| v.get(literal.as_str()));
                out.extend(found);
            }
            missing(&out, &input, literal, mode)?;
        }
        StepKind::Wildcard => {
            for v in input {
                match v {
                    Value::Object(map) => out.extend(map.values()),
                    Value::Array(items) => out.extend(items.iter()),
                    _ => {}
                }
            }
        }
        StepKind::Recursive => input.into_iter().for_each(|v| descend(v, &mut out)),
        StepKind::Slice(slice) => {
            for v in input {
                match v {
                    Value::Null => {}
                    Value::Array(items) => out.extend(select_slice(*slice, items)?),
                    other => return Err(Problem::NotArray(kind_of(other))),
                }
            }
        }
        StepKind::Union(alternatives) => {
            for alt in alternatives {
                out.extend(eval_step(&alt.kind, input.clone(), mode)?);
            }
        }
        StepKind::Filter(filter) => {
            for v in input {
                match v {
                    Value::Null => {}
                    Value::Array(items) => {
                        for item in items {
                            if matches_filter(filter, item, eval_relative)? {
                                out.push(item);
                            }
                        }
                    }
                    other => return Err(Problem::NotFilterable(kind_of(other))),
                }
            }
        }
        // kubectl: quoted text is one value; numbers and booleans repeat once per input.
        StepKind::Literal(text @ Value::String(_)) => out.push(text),
        StepKind::Literal(scalar) => out.extend(input.iter().map(|_| scalar)),
    }
    Ok(out)
}

/// kubectl's `x is not found`: no input had the field, and there was input to look in.
/// A filter operand, from the element under test, tolerating missing fields.
fn eval_relative<'a>(steps: &'a [Step], item: &'a Value) -> Result<Vec<&'a Value>, Problem> {
    let mut current = vec![item];
    for step in steps {
        current = eval_step(&step.kind, current, Mode::Lenient)?;
    }
    Ok(current)
}

fn missing(found: &[&Value], input: &[&Value], name: &str, mode: Mode) -> Result<(), Problem> {
    if !found.is_empty() || input.is_empty() || mode == Mode::Lenient {
        return Ok(());
    }
    Err(Problem::NotFound {
        name: name.to_string(),
        on_array: input.iter().any(|v| v.is_array()),
    })
}

/// `..`: every non-empty object and array, parent before children, in document order.
fn descend<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
    let children: Box<dyn Iterator<Item = &'a Value>> = match value {
        Value::Object(map) if !map.is_empty() => Box::new(map.values()),
        Value::Array(items) if !items.is_empty() => Box::new(items.iter()),
        _ => return,
    };
    out.push(value);
    children.for_each(|child| descend(child, out));
}

/// kubectl's slice rules: negative indexes count from the end, and an index outside the
/// array is an error rather than an empty result.
fn select_slice(slice: Slice, items: &[Value]) -> Result<impl Iterator<Item = &Value>, Problem> {
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let mut start = slice.start.unwrap_or(0);
    if start < 0 {
        start += len;
    }
    let end = if slice.single {
        start.saturating_add(1)
    } else {
        match slice.end.unwrap_or(len) {
            end if end < 0 => end + len,
            end => end,
        }
    };
    // kubectl lets an empty slice through without bounds checks; `[n]` never is one.
    if start == end && !slice.single {
        return Ok(items[0..0].iter().step_by(1));
    }
    if start < 0 || start >= len {
        return Err(Problem::OutOfBounds {
            index: start,
            len: items.len(),
        });
    }
    if end < 0 || end > len {
        return Err(Problem::OutOfBounds {
            index: end.saturating_sub(1),
            len: items.len(),
        });
    }
    if start > end {
        return Err(Problem::StartAfterEnd { start, end });
    }
    let step = match slice.step {
        Some(step) if step <= 0 => return Err(Problem::BadStep),
        Some(step) => usize::try_from(step).unwrap_or(usize::MAX),
        None => 1,
    };
    // Both bounds were checked to lie within 0..=len above.
    let (start, end) = (start as usize, end as usize);
    Ok(items[start..end].iter().step_by(step))
}

#[cfg(test)]
mod tests;
