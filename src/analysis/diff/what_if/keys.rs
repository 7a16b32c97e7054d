//! Field names in the spelling of the dump a prediction edits: Envoy's snake_case, or
//! protojson's camelCase when the dump came that way, so predicted chains read like their
//! neighbours.

use crate::util::case::to_camel;

/// The dump's spelling of field names.
pub(super) struct Keys {
    /// The dump spells fields in camelCase.
    pub(super) camel: bool,
}

impl Keys {
    /// The field `snake` (given in snake_case) as the dump spells it.
    pub(super) fn name(&self, snake: &str) -> String {
        if self.camel {
            to_camel(snake)
        } else {
            snake.to_string()
        }
    }
}
