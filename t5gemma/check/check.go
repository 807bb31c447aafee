// Package check runs a T5Gemma 2 checkpoint through t5go and compares every
// intermediate it can produce with golden tensors saved from Hugging Face
// transformers (the format of shared/oracle/README.md).
package check

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/t5go/t5go/kernels"
	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
)

// Tolerance is what a row of the report must meet for one storage type.
type Tolerance struct {
	Rel      float64 // max |ours - golden| / max |golden|, over compared positions
	Top1     float64 // least fraction of positions whose logits argmax agrees
	ExactIDs bool    // generated ids must equal the golden ones token for token
}

// Tolerances per weight type. f32 must reproduce transformers to float32
// rounding and generate the same ids; the lossy types are held to a bounded
// error and to top-1 agreement of the teacher-forced logits (generation may
// drift apart once a near-tie flips; step logits are compared while in sync).
var Tolerances = map[tensor.Type]Tolerance{
	tensor.F32:  {Rel: 1e-4, Top1: 1, ExactIDs: true},
	tensor.F16:  {Rel: 1e-2, Top1: 0.99},
	tensor.BF16: {Rel: 5e-2, Top1: 0.95},
	tensor.Q8_0: {Rel: 0.2, Top1: 0.99},
	tensor.Q4_0: {Rel: 0.35, Top1: 0.90},
}

// Row is one compared tensor.
type Row struct {
	Name   string  `json:"name"`
	MaxAbs float64 `json:"max_abs_err"`
	Scale  float64 `json:"scale"`
	Rel    float64 `json:"rel_err"`
	Top1   float64 `json:"top1,omitempty"` // logits only: fraction of positions whose argmax agrees
	Exact  *bool   `json:"exact,omitempty"`
	OK     bool    `json:"ok"`
	Note   string  `json:"note,omitempty"`
}

// Report is the outcome of one case at one type.
type Report struct {
	Case  string    `json:"case"`
	Type  string    `json:"type"`
	Tol   Tolerance `json:"tolerance"`
	Rows  []Row     `json:"rows"`
	OK    bool      `json:"ok"`
	Tier  string    `json:"kernels"`
	Model string    `json:"-"`
}

// Options control Run.
type Options struct {
	Type    tensor.Type
	Threads int
	WorkDir string // where the converted GGUF goes; default a temporary folder
}

// Run converts the checkpoint in caseDir, runs the inputs of its
// golden.safetensors and compares.
func Run(ctx context.Context, caseDir string, opt Options) (*Report, error) {
	tol, ok := Tolerances[opt.Type]
	if !ok {
		return nil, fmt.Errorf("check: no tolerance for type %v", opt.Type)
	}
	g, err := readGolden(filepath.Join(caseDir, "golden.safetensors"))
	if err != nil {
		return nil, err
	}
	dir := opt.WorkDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "t5go-check-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
	}
	path := filepath.Join(dir, filepath.Base(filepath.Clean(caseDir))+"-"+opt.Type.String()+".gguf")
	if err := t5gemma.Convert(ctx, caseDir, path, t5gemma.ConvertOptions{Type: opt.Type, Force: true}); err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	m, err := t5gemma.Load(path)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	pool := kernels.NewPool(opt.Threads)
	defer pool.Close()

	r := &Report{Case: filepath.Base(filepath.Clean(caseDir)), Type: opt.Type.String(), Tol: tol, Tier: kernels.Selected()}
	if err := runCase(ctx, m, pool, caseDir, g, tol, r); err != nil {
		return nil, err
	}
	r.OK = true
	for _, row := range r.Rows {
		r.OK = r.OK && row.OK
	}
	return r, nil
}

// compare appends a row for a float tensor; keep says which rows of width w
// take part (padded positions hold meaningless values in the reference).
func (r *Report) compare(name string, ours, want []float32, w int, keep func(row int) bool, tol Tolerance) {
	row := Row{Name: name}
	if len(ours) != len(want) {
		row.Note = fmt.Sprintf("size %d, golden %d", len(ours), len(want))
		r.Rows = append(r.Rows, row)
		return
	}
	for i := 0; i < len(want); i += w {
		if !keep(i / w) {
			continue
		}
		for j := i; j < i+w; j++ {
			row.MaxAbs = math.Max(row.MaxAbs, math.Abs(float64(ours[j])-float64(want[j])))
			row.Scale = math.Max(row.Scale, math.Abs(float64(want[j])))
			if math.IsNaN(float64(ours[j])) {
				row.MaxAbs = math.Inf(1)
			}
		}
	}
	if row.Scale > 0 {
		row.Rel = row.MaxAbs / row.Scale
	}
	row.OK = row.Rel <= tol.Rel
	r.Rows = append(r.Rows, row)
}

// compareLogits adds top-1 agreement to compare.
func (r *Report) compareLogits(name string, ours, want []float32, vocab int, keep func(row int) bool, tol Tolerance) {
	r.compare(name, ours, want, vocab, keep, tol)
	row := &r.Rows[len(r.Rows)-1]
	row.Top1 = top1(ours, want, vocab, keep)
	row.OK = row.OK && row.Top1 >= tol.Top1
}

// top1 is the fraction of kept rows whose argmax agrees.
func top1(ours, want []float32, vocab int, keep func(row int) bool) float64 {
	agree, total := 0, 0
	for i := 0; i+vocab <= len(want) && len(ours) == len(want); i += vocab {
		if !keep(i / vocab) {
			continue
		}
		total++
		if kernels.Argmax(ours[i:i+vocab]) == kernels.Argmax(want[i:i+vocab]) {
			agree++
		}
	}
	if total == 0 {
		return 0
	}
	return float64(agree) / float64(total)
}
