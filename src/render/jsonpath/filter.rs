//! `[?(…)]` filters: whether one array element passes an existence test or a comparison,
//! with Go template's comparison rules as kubectl uses them. It must not look past the
//! element under test, and paths inside a filter are walked by `eval`, which hands its
//! walker in (so this file never imports `eval`).

use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::Problem;
use super::ast::{Filter, Op, Step};

/// One element against `[?(…)]`; missing fields make it fail the test, as in kubectl.
/// `eval_relative` walks a filter operand from the element under test, tolerating missing
/// fields.
pub(super) fn matches_filter<'a>(
    filter: &'a Filter,
    item: &'a Value,
    eval_relative: impl Fn(&'a [Step], &'a Value) -> Result<Vec<&'a Value>, Problem>,
) -> Result<bool, Problem> {
    let Some((op, right)) = &filter.test else {
        // kubectl ignores evaluation errors in an existence test.
        return Ok(eval_relative(&filter.left, item).is_ok_and(|found| !found.is_empty()));
    };
    let left = eval_relative(&filter.left, item)?;
    let [left] = left.as_slice() else {
        return if left.is_empty() {
            Ok(false)
        } else {
            Err(Problem::CompareMany)
        };
    };
    let right = eval_relative(right, item)?;
    let [right] = right.as_slice() else {
        return if right.is_empty() {
            Ok(false)
        } else {
            Err(Problem::CompareMany)
        };
    };
    compare(*op, left, right)
}

/// Go template's comparison rules as kubectl uses them: strings, numbers and booleans
/// only, both sides of one kind, and booleans only for `==` and `!=`.
fn compare(op: Op, left: &Value, right: &Value) -> Result<bool, Problem> {
    let ordering = match (left, right) {
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Number(a), Value::Number(b)) => compare_numbers(a, b),
        (Value::Bool(a), Value::Bool(b)) => match op {
            Op::Eq => return Ok(a == b),
            Op::Ne => return Ok(a != b),
            _ => return Err(Problem::Unorderable(op.as_str())),
        },
        (v @ (Value::Null | Value::Object(_) | Value::Array(_)), _)
        | (_, v @ (Value::Null | Value::Object(_) | Value::Array(_))) => {
            return Err(Problem::NotComparable(kind_of(v)));
        }
        (a, b) => return Err(Problem::Incompatible(kind_of(a), kind_of(b))),
    };
    let Some(ordering) = ordering else {
        return Ok(matches!(op, Op::Ne));
    };
    Ok(match op {
        Op::Eq => ordering == Ordering::Equal,
        Op::Ne => ordering != Ordering::Equal,
        Op::Lt => ordering == Ordering::Less,
        Op::Le => ordering != Ordering::Greater,
        Op::Gt => ordering == Ordering::Greater,
        Op::Ge => ordering != Ordering::Less,
    })
}

/// Integers exactly (so large ports and IDs do not round), anything else as `f64`.
fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    let exact = |n: &Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (exact(a), exact(b)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// How error messages name the JSON type of a value.
pub(super) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::render::jsonpath::test_support::{check, ecds, listeners};

    #[test]
    fn filters() {
        let l = listeners();
        check(&[
            (
                "{[?(@.address.socketAddress.portValue==15006)].name}",
                l.clone(),
                "virtualInbound",
            ),
            (
                "{[?(@.address.socketAddress.portValue >= 15001)].name}",
                l.clone(),
                "virtualInbound virtualOutbound",
            ),
            (
                "{[?(@.address.socketAddress.portValue<100)].name}",
                l.clone(),
                "10.96.0.10_53",
            ),
            (
                "{[?(@.address.socketAddress.portValue<=53)].name}",
                l.clone(),
                "10.96.0.10_53",
            ),
            (
                "{[?(@.address.socketAddress.portValue>15001)].name}",
                l.clone(),
                "virtualInbound",
            ),
            // kubectl skips elements without the field, for != too.
            (
                "{[?(@.trafficDirection!=\"INBOUND\")].name}",
                l.clone(),
                "virtualOutbound",
            ),
            (
                "{[?(@.trafficDirection=='OUTBOUND')].name}",
                l.clone(),
                "virtualOutbound",
            ),
            ("{[?(@.name<\"b\")].name}", l.clone(), "10.96.0.10_53"),
            ("{[?(@.useOriginalDst)].name}", l.clone(), "virtualOutbound"),
            ("{[?(@.bindToPort)].name}", l.clone(), "10.96.0.10_53"),
            (
                "{[?(@.bindToPort==false)].name}",
                l.clone(),
                "10.96.0.10_53",
            ),
            (
                "{[?(@.useOriginalDst==true)].name}",
                l.clone(),
                "virtualOutbound",
            ),
            (
                "{[?(@.address.envoyInternalAddress)].name}",
                l.clone(),
                "connect_originate",
            ),
            ("{[?(@.filterChains[1])].name}", l.clone(), "virtualInbound"),
            ("{[?(@.nope==1)].name}", l.clone(), ""),
            ("{[?(@.name==\"a)b\")].name}", l.clone(), ""),
            (
                "{[?(@.a==@.b)].id}",
                json!([{"id": 1, "a": 2, "b": 2}, {"id": 2, "a": 1, "b": 3}]),
                "1",
            ),
            (
                "{[?(@.w>0.5)].id}",
                json!([{"id": 1, "w": 0.25}, {"id": 2, "w": 0.75}]),
                "2",
            ),
            (
                "{[?(@.n==2.0)].id}",
                json!([{"id": 1, "n": 2}, {"id": 2, "n": 3}]),
                "1",
            ),
            (
                "{[?(@.n==-1)].id}",
                json!([{"id": 1, "n": -1}, {"id": 2, "n": 1}]),
                "1",
            ),
            (
                "{[?(@.n==18446744073709551615)].id}",
                json!([{"id": 1, "n": 18446744073709551615u64}, {"id": 2, "n": 18446744073709551614u64}]),
                "1",
            ),
            (
                "{[?(@.n>=9007199254740993)].id}",
                json!([{"id": 1, "n": 9007199254740993u64}, {"id": 2, "n": 9007199254740992u64}]),
                "1",
            ),
            (
                "{[?(@.x)].id}",
                json!([{"id": 1, "x": null}, {"id": 2}]),
                "1",
            ),
            (
                "{.ecdsFilters[?(@.versionInfo==\"2\")].ecdsFilter.name}",
                ecds(),
                "default.authz",
            ),
        ]);
    }
}
