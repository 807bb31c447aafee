package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"

	"github.com/t5go/t5go/t5gemma/check"
	"github.com/t5go/t5go/tensor"
)

func init() {
	register("check", "compare t5go with golden tensors from transformers for a checkpoint", runCheck)
}

func runCheck(args []string) error {
	fs := newFlags("check", "CASE_DIR [--type f32|f16|bf16|q8_0|q4_0] [--json]")
	typ := fs.String("type", "f32", "weight type to convert to before comparing")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	threads := fs.Int("t", 0, "threads (default: all cores)")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprint(w, `usage: t5go check CASE_DIR [--type f32|f16|bf16|q8_0|q4_0] [--json] [-t N]

CASE_DIR holds a Hugging Face checkpoint (config.json, model.safetensors) and a
golden.safetensors from transformers. check converts the checkpoint to --type,
runs the golden inputs and prints one row per compared tensor: max absolute
error, the golden tensor's scale (max |value|), their ratio, and for logits
the fraction of positions whose argmax agrees. It exits 1 if any row is out of
tolerance. Tolerances per type (ratio / top-1 / generated ids):
`)
		for _, t := range []tensor.Type{tensor.F32, tensor.F16, tensor.BF16, tensor.Q8_0, tensor.Q4_0} {
			tol := check.Tolerances[t]
			ids := "reported"
			if tol.ExactIDs {
				ids = "identical"
			}
			fmt.Fprintf(w, "  %-5s  rel <= %g, top-1 >= %g, generated ids %s\n", t, tol.Rel, tol.Top1, ids)
		}
		fmt.Fprintln(w, "\nflags:")
		fs.PrintDefaults()
	}
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"want exactly one case folder"}
	}
	t, err := tensor.ParseType(*typ)
	if err != nil {
		return usageError{err.Error()}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	r, err := check.Run(ctx, pos[0], check.Options{Type: t, Threads: *threads})
	if err != nil {
		return err
	}
	if *asJSON {
		e := json.NewEncoder(os.Stdout)
		e.SetIndent("", "  ")
		if err := e.Encode(r); err != nil {
			return err
		}
	} else {
		printReport(r)
	}
	if !r.OK {
		return errors.New("some tensors are out of tolerance")
	}
	return nil
}

func printReport(r *check.Report) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "case %s, type %s, kernels %s\n", r.Case, r.Type, r.Tier)
	fmt.Fprintln(w, "tensor\tmax abs err\tscale\trel err\ttop-1\tok\t")
	for _, row := range r.Rows {
		top1 := ""
		if row.Top1 > 0 || strings.Contains(row.Name, "logits") {
			top1 = fmt.Sprintf("%.4f", row.Top1)
		}
		if row.Exact != nil {
			top1 = fmt.Sprintf("exact=%v", *row.Exact)
		}
		ok := "ok"
		if !row.OK {
			ok = "FAIL"
		}
		fmt.Fprintf(w, "%s\t%.3g\t%.3g\t%.3g\t%s\t%s\t%s\n", row.Name, row.MaxAbs, row.Scale, row.Rel, top1, ok, row.Note)
	}
	w.Flush()
	if r.OK {
		fmt.Println("PASS")
	} else {
		fmt.Println("FAIL")
	}
}
