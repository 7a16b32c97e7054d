//! Go's `sort.Slice`, ported so row order (ties included) is byte-identical to istioctl's.
//!
//! Placeholder pending the full pdqsort port: for up to 12 elements Go runs exactly this
//! insertion sort, so small tables already match.

/// Sorts `data` the way Go's `sort.Slice(data, less)` does.
pub fn sort_slice<T, F: FnMut(&T, &T) -> bool>(data: &mut [T], mut less: F) {
    for i in 1..data.len() {
        let mut j = i;
        while j > 0 && less(&data[j], &data[j - 1]) {
            data.swap(j, j - 1);
            j -= 1;
        }
    }
}
