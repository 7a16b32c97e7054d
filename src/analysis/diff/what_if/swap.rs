//! The predicted side of `diff --what-if`: the dump's listeners with `virtualInbound`
//! replaced by the prediction, each with the raw JSON the diff compares.

use crate::analysis::mtls::mode::is_virtual_inbound;
use crate::envoy::Listener;

/// `listeners` (with their raw JSON) as they would be with `predicted` (and its JSON) in
/// place of `virtualInbound`; the order is kept.
pub fn swap_inbound<'x, 'a>(
    listeners: &'x [(Listener<'a>, &'x str)],
    predicted: &'x Listener<'a>,
    predicted_raw: &'x str,
) -> (Vec<&'x Listener<'a>>, Vec<&'x str>) {
    listeners
        .iter()
        .map(|(l, r)| {
            if is_virtual_inbound(l) {
                (predicted, predicted_raw)
            } else {
                (l, *r)
            }
        })
        .unzip()
}
