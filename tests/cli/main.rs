//! CLI integration tests, compiled as one binary.

mod lint;
mod support;
