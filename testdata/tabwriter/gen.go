// Command gen writes golden.jsonl: random ragged tables laid out by Go's text/tabwriter with
// the settings istioctl uses, tabwriter.NewWriter(w, 0, 8, padding, ' ', 0), for padding 1
// (pc listener) and 5 (pc ecds). src/render/table.rs renders the same rows through the
// tabwriter crate and must produce the same bytes.
//
// Rerun from the repository root:
//
//	go run testdata/tabwriter/gen.go > testdata/tabwriter/golden.jsonl
//
// Each line is one case: {"padding":P,"rows":[[cell,...],...],"want":"..."}. A row is
// written as its cells joined by tabs plus a newline, as istioctl's fmt.Fprintf calls do.
// Cells are printable ASCII (spaces included), often empty; rows vary in length, including
// one-cell and empty rows, which end every column block.
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"text/tabwriter"
)

// lcg is a 64-bit LCG (Knuth's MMIX constants) returning the high 31 bits; only this
// generator uses it, the Rust test reads the rows from the golden file.
type lcg uint64

func (r *lcg) next() uint64 {
	*r = *r*6364136223846793005 + 1442695040888963407
	return uint64(*r) >> 33
}

func (r *lcg) intn(n int) int { return int(r.next() % uint64(n)) }

func (r *lcg) cell() string {
	var n int
	switch r.intn(10) {
	case 0, 1, 2:
		return ""
	case 3:
		n = 10 + r.intn(25) // occasionally long, to widen a column
	default:
		n = 1 + r.intn(8)
	}
	b := make([]byte, n)
	for i := range b {
		if r.intn(8) == 0 {
			b[i] = ' '
		} else {
			b[i] = byte(0x20 + r.intn(0x7f-0x20))
		}
	}
	return string(b)
}

type tcase struct {
	Padding int        `json:"padding"`
	Rows    [][]string `json:"rows"`
	Want    string     `json:"want"`
}

func render(padding int, rows [][]string) string {
	var sb strings.Builder
	tw := tabwriter.NewWriter(&sb, 0, 8, padding, ' ', 0)
	for _, row := range rows {
		if _, err := tw.Write([]byte(strings.Join(row, "\t") + "\n")); err != nil {
			panic(err)
		}
	}
	if err := tw.Flush(); err != nil {
		panic(err)
	}
	return sb.String()
}

func main() {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)

	r := lcg(2024)
	for c := 0; c < 400; c++ {
		padding := 1
		if c%2 == 1 {
			padding = 5
		}
		// The header row, like istioctl's, then data rows.
		rows := make([][]string, 1+r.intn(12))
		width := 1 + r.intn(6) // the usual number of cells per row
		for i := range rows {
			n := width
			switch r.intn(6) {
			case 0:
				n = r.intn(8) // ragged: anything from an empty row to 7 cells
			case 1:
				n = width + 1
			}
			row := make([]string, n)
			for j := range row {
				row[j] = r.cell()
			}
			rows[i] = row
		}
		if err := enc.Encode(tcase{padding, rows, render(padding, rows)}); err != nil {
			panic(err)
		}
	}
}
