//! The mTLS mode a sidecar's inbound chains imply, the chain set Istio builds for each
//! mode, and the check of those modes against PeerAuthentication policies.

pub mod inbound_template;
pub mod mode;
pub mod policy;
