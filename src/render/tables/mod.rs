//! istioctl-parity tables (Go text/tabwriter layout) and the table writers every report
//! shares.

pub mod ecds;
pub mod fleet;
pub mod layout;
pub mod listener;
