package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/t5go/t5go/bench"
	"github.com/t5go/t5go/tensor"
)

func init() {
	register("bench", "measure load, prefill, decode and image speed (a synthetic 270M model by default)", runBench)
}

func runBench(args []string) error {
	fs := newFlags("bench", "[-m FILE | --size 270m|1b|4b] [--type q8_0] [-t THREADS] [--json] [--full]")
	model := fs.String("m", "", "GGUF model `file` (default: a synthetic model of --size and --type, made once and cached)")
	size := fs.String("size", "270m", "synthetic model shape: 270m, 1b or 4b")
	typ := fs.String("type", "q8_0", "synthetic model weight type: f32, f16, bf16, q8_0 or q4_0")
	seed := fs.Uint64("seed", 0, "synthetic model seed")
	cache := fs.String("cache", "", "`folder` for synthetic models (default: the user cache folder/t5go)")
	threads := fs.String("t", strconv.Itoa(runtime.NumCPU()), "thread `counts`, comma-separated (e.g. 1,2)")
	reps := fs.Int("r", 0, "repetitions per figure (default 5, 9 with --full)")
	prefill := fs.String("p", "128,512,2048", "encoder `lengths` of the prefill figures")
	decode := fs.String("d", "128,512", "encoder `lengths` before the decode figures")
	ngen := fs.Int("n", 64, "new tokens per decode figure")
	batch := fs.String("b", "1", "`sizes` of the batches decoded together, comma-separated (e.g. 1,8)")
	noImage := fs.Bool("no-image", false, "skip the image figure")
	full := fs.Bool("full", false, "every thread count from 1 to the cores, 9 repetitions, 3 images")
	asJSON := fs.Bool("json", false, "print the records as JSON instead of a table")
	compare := fs.String("compare", "", "also compare with an earlier run's --json output `file`: does each median lie within the other run's range?")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{fmt.Sprintf("unexpected argument %q (use -m FILE for a model)", pos[0])}
	}
	o := bench.Defaults()
	o.Model, o.Size, o.Seed, o.CacheDir, o.NGen, o.Image = *model, *size, *seed, *cache, *ngen, !*noImage
	if o.Type, err = tensor.ParseType(*typ); err != nil {
		return usageError{"--type: " + err.Error()}
	}
	if o.Threads, err = intList("-t", *threads); err != nil {
		return err
	} else if len(o.Threads) == 0 {
		return usageError{"-t: want at least one thread count"}
	}
	if o.Prefill, err = intList("-p", *prefill); err != nil {
		return err
	}
	if o.Decode, err = intList("-d", *decode); err != nil {
		return err
	}
	if o.Batch, err = intList("-b", *batch); err != nil {
		return err
	} else if len(o.Batch) == 0 {
		return usageError{"-b: want at least one batch size"}
	}
	if *ngen <= 0 {
		return usageError{fmt.Sprintf("-n %d: want at least one new token", *ngen)}
	}
	if *full {
		o.Reps, o.ImageReps, o.LoadReps, o.Threads = 9, 3, 5, nil
		for t := 1; t <= runtime.NumCPU(); t++ {
			o.Threads = append(o.Threads, t)
		}
	}
	if *reps > 0 {
		o.Reps = *reps
	} else if *reps < 0 {
		return usageError{fmt.Sprintf("-r %d: want a positive count", *reps)}
	}

	var prev []bench.Record
	if *compare != "" { // read it first: a typo should not cost a whole run
		if prev, err = bench.ReadJSON(*compare); err != nil {
			return err
		}
	}

	bar := newProgress("bench")
	o.Generating = func(done, total int64) { bar.label = "making synthetic model"; bar.update(done, total) }
	o.Progress = func(label string, done, total int) {
		bar.label = fmt.Sprintf("bench %-22s", label)
		bar.last = -1
		bar.update(int64(done), int64(total))
	}
	o.Log = logLines{bar}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := bench.Run(ctx, o)
	bar.clear()
	if err != nil {
		return err
	}
	out, cmp := os.Stdout, os.Stdout
	if *asJSON {
		err, cmp = bench.WriteJSON(out, res), os.Stderr
	} else {
		err = bench.WriteTable(out, res)
	}
	if err != nil || prev == nil {
		return err
	}
	fmt.Fprintf(cmp, "\ncompared with %s:\n", *compare)
	return bench.WriteComparison(cmp, bench.Compare(prev, res.Records))
}

// intList parses "1,2,4" into positive integers ("" is none).
func intList(flag, s string) ([]int, error) {
	var out []int
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, usageError{fmt.Sprintf("%s %q: want positive integers separated by commas", flag, s)}
		}
		out = append(out, n)
	}
	return out, nil
}

// logLines prints notes on stderr, clearing the progress line first.
type logLines struct{ bar *progress }

func (l logLines) Write(p []byte) (int, error) {
	l.bar.clear()
	l.bar.last = -1
	return os.Stderr.Write(p)
}
