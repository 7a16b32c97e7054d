//! The mark a what-if prediction leaves on the chain parts it synthesises: `what_if` writes
//! it into `filter_metadata`, the chain summary reads it back. Its own module so the two
//! share it without importing each other or the diff's root.

/// The metadata namespace the what-if prediction marks synthesised chain parts with.
pub const PREDICTED_METADATA: &str = "meshscope";
