//! CLI integration tests, compiled as one binary.
