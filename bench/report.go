package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes the records as one JSON array (llama-bench -o json
// style), indented.
func WriteJSON(w io.Writer, res *Result) error {
	recs := res.Records
	if recs == nil {
		recs = []Record{}
	}
	b, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// latency says whether a test is reported as a time (load, time to first
// token, image) rather than a rate of tokens.
func latency(test string) bool { return test == "load" || test == "ttft" || test == "image" }

// WriteTable writes a human-readable summary: the model, the machine and
// its probed peaks, then one line per record with the median, the range
// over the repetitions, the spread and the share of the roofline.
func WriteTable(w io.Writer, res *Result) error {
	if len(res.Records) == 0 {
		return nil
	}
	r0 := res.Records[0]
	syn := ""
	if r0.Synthetic {
		syn = ", synthetic weights"
	}
	m := res.Machine
	fmt.Fprintf(w, "model:   %s, %s%s, %.0f MiB, %.2f B parameters\n", r0.ModelType, r0.Type, syn,
		float64(r0.ModelSize)/(1<<20), float64(r0.ModelNParams)/1e9)
	fmt.Fprintf(w, "machine: %s, %d cores, %s, kernels %s (%s), %s\n", m.CPU, m.Cores, m.OS, m.Kernels, m.Features, m.GoVersion)
	for _, p := range res.Peaks {
		fmt.Fprintf(w, "peaks:   %d thread(s): read %.1f GB/s, int8 %.0f GOP/s (%s), f32 FMA %.0f GFLOP/s (%s)\n",
			p.Threads, p.ReadBW/1e9, p.Int8/1e9, p.Int8How, p.FMA/1e9, p.FMAHow)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "test\tn_enc\tn_gen\tbatch\tthreads\tmedian\tmin … max\tspread\troofline\tcpu\tpeak RSS\t")
	for _, r := range res.Records {
		dash := func(n int) string {
			if n == 0 {
				return "-"
			}
			return fmt.Sprint(n)
		}
		var med, rng string
		if latency(r.Test) {
			med, rng = seconds(r.MedianS), seconds(r.MinS)+" … "+seconds(r.MaxS)
		} else {
			med, rng = fmt.Sprintf("%s tok/s", rate(r.MedianTS)), rate(r.MinTS)+" … "+rate(r.MaxTS)
		}
		roof := "-"
		if r.RooflinePct != nil {
			roof = fmt.Sprintf("%.0f%% %s", *r.RooflinePct, r.Bound)
		}
		cpu := "-"
		if r.CPUPct > 0 {
			cpu = fmt.Sprintf("%.0f%%", r.CPUPct)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f%%\t%s\t%s\t%.0f MiB\t\n", r.Test, dash(r.NEnc), dash(r.NGen),
			dash(r.Batch), dash(r.Threads), med, rng, r.SpreadPct, roof, cpu, float64(r.PeakRSS)/(1<<20))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nrepetitions: load %d, prefill/decode %d after a warm-up", repsOf(res, "load"), max(repsOf(res, "prefill"), repsOf(res, "decode")))
	if n := repsOf(res, "image"); n > 0 {
		fmt.Fprintf(w, ", image %d", n)
	}
	fmt.Fprintln(w, "; spread = (max-min)/median of the rates.")
	fmt.Fprintln(w, "cpu = process CPU time ÷ (wall time × threads) while timed: well below 100%, other work held the cores.")
	fmt.Fprintln(w, "roofline = the least time the probed peaks allow (compute at the int8/FMA peak, or reading weights and caches at the read bandwidth) ÷ the median time; none (–) for an image whose products run in bfloat16 on AMX tiles, which no probe measures.")
	return nil
}

func repsOf(res *Result, test string) int {
	for _, r := range res.Records {
		if r.Test == test {
			return r.Reps
		}
	}
	return 0
}

// seconds formats a duration in s, ms or µs with three significant digits.
func seconds(s float64) string {
	switch {
	case s >= 1:
		return fmt.Sprintf("%.3g s", s)
	case s >= 1e-3:
		return fmt.Sprintf("%.3g ms", s*1e3)
	}
	return fmt.Sprintf("%.3g µs", s*1e6)
}

// rate formats a rate with three significant digits, without exponents.
func rate(x float64) string {
	if x >= 1000 {
		return fmt.Sprintf("%.0f", x)
	}
	return strings.TrimSuffix(fmt.Sprintf("%.3g", x), ".")
}
