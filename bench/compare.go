package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
)

// ReadJSON reads records written by WriteJSON.
func ReadJSON(path string) ([]Record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var recs []Record
	if err := json.Unmarshal(b, &recs); err != nil {
		return nil, fmt.Errorf("%s: not t5go bench JSON records: %w", path, err)
	}
	return recs, nil
}

// Agreement compares one figure of two runs.
type Agreement struct {
	Prev, Cur Record
	DiffPct   float64 // (cur - prev) / prev median rate × 100
	// Agree: each run's median lies within the other's min … max, or at
	// least one does (Partly).
	Agree, Partly bool
}

// Compare pairs the records of two runs by test, lengths, threads and type.
func Compare(prev, cur []Record) []Agreement {
	var out []Agreement
	for _, c := range cur {
		for _, p := range prev {
			if p.Test != c.Test || p.NEnc != c.NEnc || p.NGen != c.NGen || p.Threads != c.Threads || p.Type != c.Type {
				continue
			}
			in := func(x float64, r Record) bool { return x >= r.MinTS && x <= r.MaxTS }
			a, b := in(c.MedianTS, p), in(p.MedianTS, c)
			out = append(out, Agreement{Prev: p, Cur: c, DiffPct: 100 * (c.MedianTS - p.MedianTS) / p.MedianTS,
				Agree: a && b, Partly: a || b})
			break
		}
	}
	return out
}

// WriteComparison prints one line per figure with both medians and ranges
// and whether they agree.
func WriteComparison(w io.Writer, as []Agreement) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "test\tn_enc\tn_gen\tthreads\tbefore (min … max)\tnow (min … max)\tchange\tagree\t")
	n, single := 0, 0
	for _, a := range as {
		verdict := "no"
		switch {
		case a.Prev.Reps == 1 && a.Cur.Reps == 1:
			verdict, single = "one run each: no range", single+1
		case a.Agree:
			verdict, n = "yes", n+1
		case a.Partly:
			verdict = "one way"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s (%s … %s)\t%s (%s … %s)\t%+.1f%%\t%s\t\n", a.Cur.Test, a.Cur.NEnc, a.Cur.NGen, a.Cur.Threads,
			rate(a.Prev.MedianTS), rate(a.Prev.MinTS), rate(a.Prev.MaxTS),
			rate(a.Cur.MedianTS), rate(a.Cur.MinTS), rate(a.Cur.MaxTS), a.DiffPct, verdict)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d of %d figures with repetitions agree (each median within the other run's min … max); rates per second.\n", n, len(as)-single)
	return err
}
