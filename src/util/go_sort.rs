//! Go's `sort.Slice`, ported so row order (ties included) is byte-identical to istioctl's.
//!
//! istioctl sorts its table rows with `sort.Slice`, which is not stable: rows that compare
//! equal come out in an order that depends on every comparison and swap the algorithm makes.
//! To print the same rows in the same order we replay Go's algorithm step for step: the
//! pattern-defeating quicksort of Go >= 1.19 (`pdqsort_func` in `src/sort/zsortfunc.go`),
//! with its insertion sort, ninther pivot, partial insertion sort, pattern breaking seeded by
//! the length, and heapsort fallback. Nothing here may be "improved" (no `slice::sort_by`,
//! no block partitioning, no fixing of Go's quirks): any change to the sequence of `less`
//! calls and swaps changes the order of ties. `testdata/gosort/golden.txt`, written by real Go,
//! pins the behaviour.
//!
//! This module owns the sorting only; callers supply the same `less` istioctl uses.

/// Sorts `data` the way Go's `sort.Slice(data, less)` does, including the (unstable) order
/// in which elements that compare equal end up.
///
/// `less(a, b)` must report whether `a` sorts strictly before `b`, as Go's `less(i, j)` does.
pub fn sort_slice<T, F: FnMut(&T, &T) -> bool>(data: &mut [T], less: F) {
    let n = data.len();
    let mut sorter = Sorter { data, less };
    // Go: `limit := bits.Len(uint(length))`, the number of unbalanced partitions allowed
    // before falling back to heapsort.
    sorter.pdqsort(0, n, bits_len(n));
}

/// Go's `bits.Len`: the number of bits needed to represent `x` (0 for 0).
fn bits_len(x: usize) -> u32 {
    usize::BITS - x.leading_zeros()
}

/// What the pivot sample said about the order of the range (Go's `sortedHint`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum SortedHint {
    Unknown,
    Increasing,
    Decreasing,
}

/// Go's `lessSwap`: the slice plus its `less`, addressed by absolute index.
///
/// Indices stay absolute (never re-sliced) because Go's algorithm looks outside the current
/// range: `data[a-1]` is compared with the pivot to detect runs of equal elements, and the
/// partial insertion sort shifts down to index 1 rather than to `a`.
struct Sorter<'a, T, F> {
    data: &'a mut [T],
    less: F,
}

impl<T, F: FnMut(&T, &T) -> bool> Sorter<'_, T, F> {
    fn less(&mut self, i: usize, j: usize) -> bool {
        (self.less)(&self.data[i], &self.data[j])
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.data.swap(i, j);
    }

    /// Go's `pdqsort_func`: sorts `[a, b)`; `limit` bad pivots are allowed before heapsort.
    fn pdqsort(&mut self, mut a: usize, mut b: usize, mut limit: u32) {
        const MAX_INSERTION: usize = 12;

        let mut was_balanced = true;
        let mut was_partitioned = true;

        loop {
            let length = b - a;

            if length <= MAX_INSERTION {
                self.insertion_sort(a, b);
                return;
            }

            if limit == 0 {
                self.heap_sort(a, b);
                return;
            }

            if !was_balanced {
                self.break_patterns(a, b);
                limit -= 1;
            }

            let (mut pivot, mut hint) = self.choose_pivot(a, b);
            if hint == SortedHint::Decreasing {
                self.reverse_range(a, b);
                // The pivot was `pivot - a` after the start; after reversing it is that far
                // before the end.
                pivot = (b - 1) - (pivot - a);
                hint = SortedHint::Increasing;
            }

            if was_balanced
                && was_partitioned
                && hint == SortedHint::Increasing
                && self.partial_insertion_sort(a, b)
            {
                return;
            }

            // `data[a-1]` is the pivot of an enclosing partition, so it is <= everything in
            // the range; if it is not less than this pivot, they are equal and the range
            // probably holds many duplicates. Go tests `a > 0` on the absolute index.
            if a > 0 && !self.less(a - 1, pivot) {
                a = self.partition_equal(a, b, pivot);
                continue;
            }

            let (mid, already_partitioned) = self.partition(a, b, pivot);
            was_partitioned = already_partitioned;

            let (left_len, right_len) = (mid - a, b - mid);
            let balance_threshold = length / 8;
            // Recurse into the smaller side and loop on the larger, as Go does.
            if left_len < right_len {
                was_balanced = left_len >= balance_threshold;
                self.pdqsort(a, mid, limit);
                a = mid + 1;
            } else {
                was_balanced = right_len >= balance_threshold;
                self.pdqsort(mid + 1, b, limit);
                b = mid;
            }
        }
    }

    /// Go's `insertionSort_func` on `[a, b)`.
    fn insertion_sort(&mut self, a: usize, b: usize) {
        for i in a + 1..b {
            let mut j = i;
            while j > a && self.less(j, j - 1) {
                self.swap(j, j - 1);
                j -= 1;
            }
        }
    }

    /// Go's `siftDown_func`: restores the max-heap on `[lo, hi)`, offset by `first`.
    fn sift_down(&mut self, lo: usize, hi: usize, first: usize) {
        let mut root = lo;
        loop {
            let mut child = 2 * root + 1;
            if child >= hi {
                return;
            }
            if child + 1 < hi && self.less(first + child, first + child + 1) {
                child += 1;
            }
            if !self.less(first + root, first + child) {
                return;
            }
            self.swap(first + root, first + child);
            root = child;
        }
    }

    /// Go's `heapSort_func` on `[a, b)`.
    fn heap_sort(&mut self, a: usize, b: usize) {
        let first = a;
        let hi = b - a;
        // Only reached with more than 12 elements, so `hi >= 1` and `(hi - 1) / 2` is Go's
        // starting index; the range is walked downwards to 0 inclusive.
        for i in (0..=(hi - 1) / 2).rev() {
            self.sift_down(i, hi, first);
        }
        for i in (0..hi).rev() {
            self.swap(first, first + i);
            self.sift_down(0, i, first);
        }
    }

    /// Go's `partition_func`: moves the pivot to `a`, partitions `[a+1, b)` into `< pivot`
    /// and `>= pivot`, puts the pivot between them and returns its index, plus whether no
    /// swap was needed.
    fn partition(&mut self, a: usize, b: usize, pivot: usize) -> (usize, bool) {
        self.swap(a, pivot);
        // `i` and `j` are inclusive bounds of what is left to partition. `j` never drops
        // below `a`: the scans stop as soon as `i > j`, and `i >= a + 1`.
        let (mut i, mut j) = (a + 1, b - 1);

        while i <= j && self.less(i, a) {
            i += 1;
        }
        while i <= j && !self.less(j, a) {
            j -= 1;
        }
        if i > j {
            self.swap(j, a);
            return (j, true);
        }
        self.swap(i, j);
        i += 1;
        j -= 1;

        loop {
            while i <= j && self.less(i, a) {
                i += 1;
            }
            while i <= j && !self.less(j, a) {
                j -= 1;
            }
            if i > j {
                break;
            }
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
        self.swap(j, a);
        (j, false)
    }

    /// Go's `partitionEqual_func`: with no element of `[a, b)` below the pivot, moves the
    /// elements equal to it to the front and returns where the greater ones start.
    fn partition_equal(&mut self, a: usize, b: usize, pivot: usize) -> usize {
        self.swap(a, pivot);
        let (mut i, mut j) = (a + 1, b - 1);

        loop {
            while i <= j && !self.less(a, i) {
                i += 1;
            }
            while i <= j && self.less(a, j) {
                j -= 1;
            }
            if i > j {
                break;
            }
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
        i
    }

    /// Go's `partialInsertionSort_func`: fixes up to 5 adjacent inversions in a nearly
    /// sorted `[a, b)` and reports whether the range ended up sorted.
    fn partial_insertion_sort(&mut self, a: usize, b: usize) -> bool {
        const MAX_STEPS: usize = 5;
        const SHORTEST_SHIFTING: usize = 50;

        let mut i = a + 1;
        for _ in 0..MAX_STEPS {
            while i < b && !self.less(i, i - 1) {
                i += 1;
            }

            if i == b {
                return true;
            }

            if b - a < SHORTEST_SHIFTING {
                return false;
            }

            self.swap(i, i - 1);

            // Shift the smaller one to the left. Go bounds this loop by index 1, not by `a`.
            // With a consistent `less` that only adds one comparison that is always false
            // (`data[a-1]` is an earlier pivot, <= the whole range), but a `less` with side
            // effects or an inconsistent order would see it, so it is kept.
            if i - a >= 2 {
                let mut j = i - 1;
                while j >= 1 {
                    if !self.less(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                    j -= 1;
                }
            }
            // Shift the greater one to the right.
            if b - i >= 2 {
                for j in i + 1..b {
                    if !self.less(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                }
            }
        }
        false
    }

    /// Go's `breakPatterns_func`: swaps three elements around the middle of `[a, b)` with
    /// pseudo-random others. The generator is seeded by the length, so Go's choice is
    /// deterministic and we can replay it.
    fn break_patterns(&mut self, a: usize, b: usize) {
        let length = b - a;
        if length >= 8 {
            let mut random = XorShift(length as u64);
            // Go's `nextPowerOfTwo`: `1 << bits.Len(length)`, which doubles an exact power
            // of two.
            let modulus = 1usize << bits_len(length);

            let mid = a + (length / 4) * 2;
            for idx in mid - 1..=mid + 1 {
                // Go truncates the u64 to `uint`; on 64-bit targets that is a no-op, and the
                // mask keeps the value below `modulus` either way.
                let mut other = (random.next() as usize) & (modulus - 1);
                if other >= length {
                    other -= length;
                }
                self.swap(idx, a + other);
            }
        }
    }

    /// Go's `choosePivot_func`: the median of three samples (of three ninthers from 50
    /// elements up), plus what the comparisons said about the range's order.
    fn choose_pivot(&mut self, a: usize, b: usize) -> (usize, SortedHint) {
        const SHORTEST_NINTHER: usize = 50;
        const MAX_SWAPS: usize = 4 * 3;

        let l = b - a;
        let mut swaps = 0;
        let mut i = a + l / 4;
        let mut j = a + l / 4 * 2;
        let mut k = a + l / 4 * 3;

        if l >= 8 {
            if l >= SHORTEST_NINTHER {
                i = self.median_adjacent(i, &mut swaps);
                j = self.median_adjacent(j, &mut swaps);
                k = self.median_adjacent(k, &mut swaps);
            }
            j = self.median(i, j, k, &mut swaps);
        }

        let hint = match swaps {
            0 => SortedHint::Increasing,
            MAX_SWAPS => SortedHint::Decreasing,
            _ => SortedHint::Unknown,
        };
        (j, hint)
    }

    /// Go's `order2_func`: the two indices ordered by their elements, counting a swap.
    fn order2(&mut self, a: usize, b: usize, swaps: &mut usize) -> (usize, usize) {
        if self.less(b, a) {
            *swaps += 1;
            return (b, a);
        }
        (a, b)
    }

    /// Go's `median_func`: the index of the median of the three elements.
    fn median(&mut self, a: usize, b: usize, c: usize, swaps: &mut usize) -> usize {
        let (a, b) = self.order2(a, b, swaps);
        let (b, _c) = self.order2(b, c, swaps);
        let (_a, b) = self.order2(a, b, swaps);
        b
    }

    /// Go's `medianAdjacent_func`: the median of `a - 1`, `a` and `a + 1`.
    fn median_adjacent(&mut self, a: usize, swaps: &mut usize) -> usize {
        self.median(a - 1, a, a + 1, swaps)
    }

    /// Go's `reverseRange_func` on `[a, b)`.
    fn reverse_range(&mut self, a: usize, b: usize) {
        let (mut i, mut j) = (a, b - 1);
        while i < j {
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
    }
}

/// Go's `xorshift` (shifts 13, 17, 5) used by `breakPatterns`.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generator `testdata/gosort/gen.go` uses: a 64-bit LCG (Knuth's MMIX constants),
    /// returning the high 31 bits. Both sides must produce the same keys from a seed.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    /// Builds the keys of one golden case; mirrors `keys()` in `testdata/gosort/gen.go`.
    fn case_keys(kind: &str, n: usize, param: &str, seed: u64) -> Vec<u64> {
        let p = || param.parse::<u64>().unwrap();
        let n64 = n as u64;
        match kind {
            "rand" => {
                let (mut rng, r) = (Lcg(seed), p());
                (0..n).map(|_| rng.next() % r).collect()
            }
            "sorted" => (0..n64).map(|i| i / p()).collect(),
            "reversed" => (0..n64).map(|i| (n64 - 1 - i) / p()).collect(),
            "saw" => (0..n64).map(|i| i % p()).collect(),
            "rsaw" => (0..n64).map(|i| p() - 1 - i % p()).collect(),
            "pipe" => (0..n64).map(|i| i.min(n64 - 1 - i) / p()).collect(),
            "nearly" => {
                let mut keys: Vec<u64> = (0..n64).collect();
                let mut rng = Lcg(seed);
                for _ in 0..p() {
                    let i = (rng.next() % n64) as usize;
                    let j = (rng.next() % n64) as usize;
                    keys.swap(i, j);
                }
                keys
            }
            "keys" => param.split(',').map(|k| k.parse().unwrap()).collect(),
            other => panic!("unknown case kind {other:?}"),
        }
    }

    /// Expands the golden encoding: space-separated `x` or `x-y` (an inclusive run, up or
    /// down).
    fn decode_perm(s: &str) -> Vec<usize> {
        let mut out = Vec::new();
        for tok in s.split(' ').filter(|t| !t.is_empty()) {
            match tok.split_once('-') {
                Some((x, y)) => {
                    let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
                    if x <= y {
                        out.extend(x..=y);
                    } else {
                        out.extend((y..=x).rev());
                    }
                }
                None => out.push(tok.parse().unwrap()),
            }
        }
        out
    }

    #[test]
    fn matches_go_sort_slice_golden() {
        let golden = include_str!("../../testdata/gosort/golden.txt");
        let mut cases = 0;
        for line in golden.lines().filter(|l| !l.starts_with('#')) {
            let (spec, want) = line.split_once(" | ").unwrap();
            let f: Vec<&str> = spec.split(' ').collect();
            let [kind, n, param, seed] = f[..] else {
                panic!("bad golden line {line:?}");
            };
            let (n, seed) = (n.parse().unwrap(), seed.parse().unwrap());
            let keys = case_keys(kind, n, param, seed);
            assert_eq!(keys.len(), n, "{spec}");

            let mut pairs: Vec<(u64, usize)> = keys.into_iter().zip(0..).collect();
            sort_slice(&mut pairs, |x, y| x.0 < y.0);
            let got: Vec<usize> = pairs.iter().map(|p| p.1).collect();
            assert_eq!(got, decode_perm(want), "case {spec}");
            cases += 1;
        }
        // Guards against a truncated or empty golden silently passing.
        assert!(cases > 1000, "only {cases} golden cases");
    }

    #[test]
    fn small_cases() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"", b""),
            (b"a", b"a"),
            (b"ba", b"ab"),
            (b"dcba", b"abcd"),
            (b"cabbage", b"aabbceg"),
        ];
        for (input, want) in cases {
            let mut v = input.to_vec();
            sort_slice(&mut v, |a, b| a < b);
            assert_eq!(&v, want);
        }
    }

    #[test]
    fn bits_len_matches_go() {
        for (x, want) in [(0, 0), (1, 1), (2, 2), (3, 2), (12, 4), (13, 4), (200, 8)] {
            assert_eq!(bits_len(x), want, "bits.Len({x})");
        }
    }
}
