package bench

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/t5go/t5go/quant"
	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
)

// tokenizerBytes bound the Gemma 3 tokenizer: its GGUF metadata (21 MB)
// and, loaded, its tables (measured below 100 MB).
const (
	tokenizerFileBytes = 24 << 20
	tokenizerHeapBytes = 128 << 20
)

// FileBytes estimates the size of a converted or synthetic file of
// configuration c with weights of type typ (the storage policy of
// t5gemma.Convert: norms f32, matrices typ or f16 when their rows do not
// fill whole blocks, the vision position table f16 under quantized types),
// tokenizer included. It errs high by at most the metadata.
func FileBytes(c *t5gemma.Config, typ tensor.Type) int64 {
	mat := func(k, rows int) int64 { return int64(quant.Fallback(typ, k).RowBytes(k)) * int64(rows) }
	vec := func(n int) int64 { return 4 * int64(n) }
	stack := func(s *t5gemma.StackConfig) int64 {
		H, q, kv := c.Hidden, s.Heads*s.HeadDim, s.KVHeads*s.HeadDim
		per := mat(H, q) + 2*mat(H, kv) + mat(q, H) + 2*mat(H, s.FFN) + mat(s.FFN, H) + vec(4*H+2*s.HeadDim)
		return int64(s.Layers)*per + vec(H)
	}
	n := mat(c.Hidden, c.Vocab) + vec(c.Hidden) + stack(&c.Enc) + stack(&c.Dec)
	if v := c.Vision; v != nil {
		C, F, side := v.Hidden, v.FFN, v.ImageSize/v.PatchSize
		pos := typ
		if typ == tensor.Q8_0 || typ == tensor.Q4_0 {
			pos = tensor.F16
		}
		n += mat(3*v.PatchSize*v.PatchSize, C) + vec(C) + int64(pos.RowBytes(C))*int64(side*side)
		n += int64(v.Layers) * (4*mat(C, C) + mat(C, F) + mat(F, C) + vec(9*C+F))
		n += vec(3*C) + mat(C, c.Hidden)
	}
	return n + tokenizerFileBytes
}

// Estimate is the memory a benchmark run needs, before anything is
// allocated.
type Estimate struct {
	Weights int64 // the model file: memory-mapped, every page touched
	States  int64 // activations, caches and logits (t5gemma's StateBytes)
	Vision  int64 // the vision tower's activations
	Other   int64 // tokenizer tables, bandwidth probe buffer, runtime
}

// Total is the estimated peak resident size.
func (e Estimate) Total() int64 { return e.Weights + e.States + e.Vision + e.Other }

func (e Estimate) String() string {
	return fmt.Sprintf("%.2f GiB (weights %.2f, activations and caches %.2f, vision %.2f, other %.2f)",
		gib(e.Total()), gib(e.Weights), gib(e.States), gib(e.Vision), gib(e.Other))
}

func gib(n int64) float64 { return float64(n) / (1 << 30) }

// estimate sizes a run of o on a model of configuration c whose file has
// fileBytes: the states of figures (one sequence, and the largest batch
// when there is one), the vision tower's activations, the rest.
func estimate(c *t5gemma.Config, fileBytes int64, o *Options) Estimate {
	m := &t5gemma.Model{Config: c}
	e := Estimate{
		Weights: fileBytes,
		States:  m.StateBytes(o.limits(1)),
		Other:   tokenizerHeapBytes + probeBytes + 64<<20,
	}
	if b := o.maxBatch(); b > 1 {
		e.States += m.StateBytes(o.limits(b))
	}
	if v := c.Vision; o.Image && v != nil {
		side := v.ImageSize / v.PatchSize
		P, C := int64(side*side), int64(v.Hidden)
		M := int64(c.MMTokensPerImage)
		floats := P*3*int64(v.PatchSize*v.PatchSize) + 8*P*C + P*int64(v.FFN) + 2*M*C
		// blocked attention scratch: one query block and one key tile per head
		floats += 4 * P * C / int64(v.Heads)
		e.Vision = 4*floats + P*C*4 // the position table, dequantized at load
	}
	return e
}

// checkFits refuses a run whose estimate exceeds the memory the system
// reports available (avail <= 0: unknown, not checked).
func checkFits(what string, e Estimate, avail int64) error {
	if avail > 0 && e.Total() > avail {
		return fmt.Errorf("%s needs about %s but only %.2f GiB of memory is available", what, e, gib(avail))
	}
	return nil
}

// availableMemory is MemAvailable from /proc/meminfo, or 0 where unknown.
func availableMemory() int64 {
	return meminfo("MemAvailable:")
}

func meminfo(key string) int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// resetPeakRSS starts a new peak-RSS window (Linux: writing 5 to clear_refs
// resets VmHWM to the current RSS). It reports whether it could.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS is the process's peak resident size since the last reset: VmHWM
// where /proc has it, else getrusage's ru_maxrss.
func peakRSS() int64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for line := range strings.Lines(string(b)) {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil {
					return kb << 10
				}
			}
		}
	}
	return maxRSS()
}
