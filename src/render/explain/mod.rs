//! `explain` laid out: words for each decision, paragraphs, text, JSON and Graphviz dot.

pub mod dot;
pub mod json;
pub mod json_chain;
pub mod matcher_rules;
pub mod paragraph;
pub mod refusal;
pub mod request;
pub mod request_dot;
pub mod request_json;
pub mod request_upstream;
pub mod scope;
pub mod text;
pub mod upstream;
pub mod way;
pub mod words;
