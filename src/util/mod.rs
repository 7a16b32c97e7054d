//! Helpers with no domain: Go's sort order, snake/camel case, CIDR arithmetic, work on every core, and
//! terminal-safe text. Nothing here knows Envoy or Istio; it imports nothing of the crate.

pub mod case;
pub mod cidr;
pub mod go_sort;
pub mod go_strconv;
pub mod parallel;
pub mod sanitize;
