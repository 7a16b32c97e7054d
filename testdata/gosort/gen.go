// Command gen writes golden.txt: the permutations Go's sort.Slice produces for a fixed
// set of inputs, so meshscope's port (src/analysis/go_sort.rs) can be checked against real
// Go without Go at test time.
//
// Rerun from the repository root (needs Go >= 1.19, where sort.Slice is pdqsort):
//
//	go run testdata/gosort/gen.go > testdata/gosort/golden.txt
//
// Each line is "KIND N PARAM SEED | PERM". KIND, N, PARAM and SEED describe the keys (see
// keys below; the Rust test rebuilds them with the same LCG). The slice sorted is the
// (key, original index) pairs, by key only, so ties keep whatever order sort.Slice leaves
// them in. PERM is the original indices in sorted order, space-separated, with runs of 3
// or more consecutive indices (up or down) written "x-y".
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// lcg is the generator both sides share: a 64-bit LCG (Knuth's MMIX constants), returning
// the high 31 bits.
type lcg uint64

func (r *lcg) next() uint64 {
	*r = *r*6364136223846793005 + 1442695040888963407
	return uint64(*r) >> 33
}

// keys builds the input of one case; mirrors case_keys in go_sort.rs.
func keys(kind string, n int, param string, seed uint64) []uint64 {
	p, _ := strconv.ParseUint(param, 10, 64)
	k := make([]uint64, n)
	n64 := uint64(n)
	switch kind {
	case "rand":
		rng := lcg(seed)
		for i := range k {
			k[i] = rng.next() % p
		}
	case "sorted":
		for i := range k {
			k[i] = uint64(i) / p
		}
	case "reversed":
		for i := range k {
			k[i] = (n64 - 1 - uint64(i)) / p
		}
	case "saw":
		for i := range k {
			k[i] = uint64(i) % p
		}
	case "rsaw":
		for i := range k {
			k[i] = p - 1 - uint64(i)%p
		}
	case "pipe":
		for i := range k {
			m := uint64(i)
			if n64-1-m < m {
				m = n64 - 1 - m
			}
			k[i] = m / p
		}
	case "nearly":
		for i := range k {
			k[i] = uint64(i)
		}
		rng := lcg(seed)
		for s := uint64(0); s < p; s++ {
			i := rng.next() % n64
			j := rng.next() % n64
			k[i], k[j] = k[j], k[i]
		}
	case "keys":
		for i, f := range strings.Split(param, ",") {
			k[i], _ = strconv.ParseUint(f, 10, 64)
		}
	default:
		panic("unknown kind " + kind)
	}
	return k
}

// antiqsort returns keys that drive sort.Slice into its worst case, after McIlroy's "A
// Killer Adversary for Quicksort": keys start as "gas" (greater than everything) and one of
// two gas keys is frozen to the next low value only when they meet, so pivots come out
// small. Unlike McIlroy, it freezes the left operand unless the right one is the pivot
// candidate: his choice freezes keys in ascending order during pdqsort's first partial
// insertion sort, which then finds the whole slice sorted. Sorting the result again
// replays the same comparisons and reaches pdqsort's heapsort fallback.
//
// After budget comparisons (0: no limit) gas keys stop being frozen and stay equal, so
// whatever is left for the heapsort holds ties.
func antiqsort(n, budget int) []uint64 {
	gas := uint64(n)
	val := make([]uint64, n)
	for i := range val {
		val[i] = gas
	}
	var solid uint64
	candidate := -1
	items := make([]int, n)
	for i := range items {
		items[i] = i
	}
	ncmp := 0
	sort.Slice(items, func(i, j int) bool {
		x, y := items[i], items[j]
		ncmp++
		if val[x] == gas && val[y] == gas && (budget == 0 || ncmp <= budget) {
			if y == candidate {
				val[y] = solid
			} else {
				val[x] = solid
			}
			solid++
		}
		if val[x] == gas {
			candidate = x
		} else if val[y] == gas {
			candidate = y
		}
		return val[x] < val[y]
	})
	return val
}

type pair struct {
	key uint64
	idx int
}

func encode(perm []int) string {
	var b strings.Builder
	for i := 0; i < len(perm); {
		j := i
		step := 0
		if i+1 < len(perm) && (perm[i+1] == perm[i]+1 || perm[i+1] == perm[i]-1) {
			step = perm[i+1] - perm[i]
			for j+1 < len(perm) && perm[j+1] == perm[j]+step {
				j++
			}
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if j-i >= 2 {
			fmt.Fprintf(&b, "%d-%d", perm[i], perm[j])
			i = j + 1
		} else {
			fmt.Fprintf(&b, "%d", perm[i])
			i++
		}
	}
	return b.String()
}

func main() {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "# sort.Slice permutations from %s; written by gen.go, do not edit.\n", runtime.Version())

	seed := uint64(1)
	emit := func(kind string, n int, param string) {
		k := keys(kind, n, param, seed)
		ps := make([]pair, n)
		for i := range ps {
			ps[i] = pair{k[i], i}
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].key < ps[j].key })
		perm := make([]int, n)
		for i := range ps {
			perm[i] = ps[i].idx
		}
		fmt.Fprintf(w, "%s %d %s %d | %s\n", kind, n, param, seed, encode(perm))
		seed++
	}
	itoa := strconv.Itoa

	// Random keys at every size, from ranges small enough for many ties up to all-distinct.
	for n := 0; n <= 200; n++ {
		a := []int{2, 3, 5, n/8 + 1, n/2 + 1, 1 << 31}
		b := []int{4, n/4 + 1, 1 << 31, 2, 7, n + 1}
		emit("rand", n, itoa(a[n%6]))
		emit("rand", n, itoa(b[n%6]))
	}
	// More random cases at random sizes.
	pick := lcg(12345)
	ranges := []int{1, 2, 3, 4, 6, 10, 16, 50, 1000, 1 << 31}
	for c := 0; c < 250; c++ {
		n := int(pick.next() % 201)
		emit("rand", n, itoa(ranges[pick.next()%uint64(len(ranges))]))
	}

	// Patterns at sizes around the thresholds (12 insertion, 50 ninther and shifting).
	var sizes []int
	for n := 0; n <= 20; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 24, 31, 32, 33, 48, 49, 50, 51, 63, 64, 65, 99, 100, 101, 127, 128, 129, 150, 199, 200)
	for _, n := range sizes {
		emit("rand", n, "1") // all equal
		for _, d := range []string{"1", "3"} {
			emit("sorted", n, d)
			emit("reversed", n, d)
			emit("pipe", n, d)
		}
		for _, m := range []string{"2", "5", "17"} {
			emit("saw", n, m)
			emit("rsaw", n, m)
		}
		if n >= 2 {
			for _, s := range []string{"1", "3", "8"} {
				emit("nearly", n, s)
			}
		}
	}

	// Adversarial inputs that exhaust pdqsort's bad-pivot limit. All but n=13 and n=20 reach
	// the heapsort fallback; the budgets were picked (with an instrumented copy of the Rust
	// port) so that the heapsorted range still holds many equal keys.
	adversarial := []struct{ n, budget int }{
		{13, 0}, {20, 0}, {64, 0}, {128, 0}, {199, 0},
		{50, 262}, {50, 337}, {50, 350},
		{100, 650}, {100, 825}, {100, 850},
		{150, 1087}, {150, 1350}, {150, 1400},
		{200, 1450}, {200, 1800}, {200, 1900},
	}
	for _, a := range adversarial {
		n := a.n
		k := antiqsort(n, a.budget)
		fs := make([]string, n)
		for i, v := range k {
			fs[i] = strconv.FormatUint(v, 10)
		}
		emit("keys", n, strings.Join(fs, ","))
	}
}
