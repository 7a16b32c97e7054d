//! The parsed form of a template: text and actions, kubectl path steps, filters, each with
//! its span in the template for error messages. It is plain data, built by `parser` and
//! run by `eval`; it must not parse or evaluate anything itself.

use jsonpath_rust::parser::model::JpQuery;
use serde_json::Value;

/// One part of a parsed template.
pub(super) enum Piece {
    Text(String),
    Print(Expr),
    Range { expr: Expr, body: Vec<Piece> },
}

/// What an action selects from the current node.
pub(super) enum Expr {
    Path(Vec<Step>),
    Rfc9535 {
        query: JpQuery,
        start: usize,
        end: usize,
    },
}

/// One step of a kubectl path, with its place in the template for error messages.
pub(super) struct Step {
    pub(super) kind: StepKind,
    pub(super) start: usize,
    pub(super) end: usize,
}

pub(super) enum StepKind {
    /// `.name`
    Field(String),
    /// `['a.b']`: kubectl's reading as the path `.a.b`, else the key `a.b` itself.
    Key { literal: String, path: Vec<String> },
    /// `.*`
    Wildcard,
    /// `..`
    Recursive,
    /// `[n]`, `[a:b:c]`, `[*]`
    Slice(Slice),
    /// `[a,b]`: each alternative over all input, one after the other (kubectl's order).
    Union(Vec<Step>),
    /// `[?(…)]`
    Filter(Box<Filter>),
    /// `"text"`, `1`, `true`
    Literal(Value),
}

/// kubectl's slice parameters; `single` marks `[n]`, which must name an element.
#[derive(Clone, Copy)]
pub(super) struct Slice {
    pub(super) start: Option<i64>,
    pub(super) end: Option<i64>,
    pub(super) single: bool,
    pub(super) step: Option<i64>,
}

pub(super) struct Filter {
    pub(super) left: Vec<Step>,
    /// `None` is an existence test, `[?(@.x)]`.
    pub(super) test: Option<(Op, Vec<Step>)>,
}

#[derive(Clone, Copy)]
pub(super) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub(super) fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "==" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            _ => return None,
        })
    }

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}
