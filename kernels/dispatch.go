package kernels

import (
	"fmt"
	"os"

	"github.com/t5go/t5go/tensor"
)

// table is one tier's set of kernels. Every field is always set: a tier
// without its own version of a kernel copies the generic one.
type table struct {
	name     string // "generic", "avx2", "avx512", "amx"
	features string // what the tier uses, e.g. "avx512f+bw+vl+vnni"
	isa      string // the vector kernels' family ("avx512" for amx too): direct calls key on it

	rowsQ8    rowsQFunc
	rowsQ4    rowsQFunc
	rowsQ8X   rowsQXFunc // Q8_0X32 panels
	rowsQ4X   rowsQXFunc // Q4_0X32 panels
	panels    bool       // rowsQ8X and rowsQ4X are the tier's own SIMD kernels (generic: false)
	rowsF32   rowsF32Func
	rowsF32x4 func(y []float32, ystride int, w, x []float32, rows int) // rowsF32x4Generic's contract
	rowsF16   rowsF16Func
	rowsBF16  rowsF16Func
	dot       func(a, b []float32) float32
	readSum   func(p []byte) uint32 // ReadSum's contract

	axpy      func(y []float32, a float32, x []float32) // y += a·x over len(y)
	rmsnorm   func(dst, x, w []float32, eps float32)    // RMSNorm's contract
	layernorm func(dst, x, w, b []float32, eps float32) // LayerNorm's contract
	geluMul   func(dst, gate, up []float32)             // GeluTanhMul's contract
	gelu      func(dst, x []float32)                    // GeluTanh's contract
	expSum    func(x []float32, m float32) float32      // x[i] = exp(x[i]-m); returns the sum
	argmax    func(x []float32) int                     // Argmax's contract, for x[0] not NaN
	max       func(x []float32, m float32) float32      // Max's contract

	gemmQ          gemmQFunc                                              // packed quantized tile kernel; nil: MatMul uses rowsQ per token
	gemmQ4, gemmQ2 gemmQFunc                                              // its twins over a tile's first 4 / 2 tokens, for a short last tile; nil: gemmQ
	gemmQX         [2][3]gemmQFunc                                        // tile kernels reading Q8_0X32 [0] / Q4_0X32 [1] panels unpacked, 6 / 4 / 2 tokens; nil: pack
	packQ          func(dst, w []byte, rb, nb int, q4 bool)               // packQ32's contract
	packQX         func(dst, panel []byte, nb int, q4 bool)               // packQ32X's contract
	quant          func(qs []int8, d []float32, sum []int32, x []float32) // quantizeQ8's contract

	// Float matrix × matrix: tile kernel of gemmFRows × gemmFToks and its
	// panel packer; gemmF nil: MatMul uses the row kernels per token.
	gemmF                gemmFFunc
	packF                packFFunc
	gemmFRows, gemmFToks int

	// bfloat16 products on AMX (gemmb_amx.go); gemmB nil: none.
	gemmB        gemmBFunc
	toBF16       func(dst []uint16, src []float32, scale float32)              // toBF16Generic's contract
	pairsBF16    func(dst []uint16, src []float32, pairs int)                  // pairsBF16Generic's contract
	softmaxPairs func(dst []uint16, s []float32, ksteps int, sum []float32)    // softmaxPairsGeneric's contract
	packB        func(dst []uint16, w []byte, rb, ksteps int, typ tensor.Type) // packRowsB on 32 full rows, whole k-steps; nil: Go
}

var genericTable = table{
	name:         "generic",
	isa:          "generic",
	features:     "pure Go",
	rowsQ8:       rowsQ8Generic,
	rowsQ4:       rowsQ4Generic,
	rowsQ8X:      rowsQ8XGeneric,
	rowsQ4X:      rowsQ4XGeneric,
	rowsF32:      rowsF32Generic,
	rowsF32x4:    rowsF32x4Generic,
	rowsF16:      rowsF16Generic,
	rowsBF16:     rowsBF16Generic,
	dot:          dotGeneric,
	readSum:      readSumGeneric,
	axpy:         axpyGeneric,
	rmsnorm:      rmsNormGeneric,
	layernorm:    layerNormGeneric,
	geluMul:      geluTanhMulGeneric,
	gelu:         geluTanhGeneric,
	expSum:       expSumGeneric,
	argmax:       argmaxGeneric,
	max:          maxGeneric,
	packQ:        packQ32,
	packQX:       packQ32X,
	quant:        quantizeQ8,
	toBF16:       toBF16Generic,
	pairsBF16:    pairsBF16Generic,
	softmaxPairs: softmaxPairsGeneric,
}

// impl is the selected table, filled once at init. Tests swap it.
var impl = genericTable

// tiers lists every table this build and CPU can run, best first; the last
// one is always generic. archTiers is defined per architecture / build tag.
func tiers() []table { return append(archTiers(), genericTable) }

func init() {
	t, warn := choose(os.Getenv("T5GO_KERNELS"), tiers())
	if warn != "" {
		fmt.Fprintln(os.Stderr, warn)
	}
	impl = t
}

// choose picks the tier named by want (empty: the best one). A request the
// build or CPU cannot honour falls back to the best available tier below it
// and returns a warning, because a CLI flag typo must not stop inference.
func choose(want string, avail []table) (table, string) {
	if want == "" {
		return avail[0], ""
	}
	rank := map[string]int{"generic": 0, "avx2": 1, "avx512": 2, "amx": 3, "neon": 1, "sdot": 2} // neon, sdot: arm64
	r, ok := rank[want]
	if !ok {
		return avail[0], fmt.Sprintf("kernels: T5GO_KERNELS=%q is not generic, avx2, avx512, amx, neon or sdot; using %s", want, avail[0].name)
	}
	for _, t := range avail {
		if t.name == want {
			return t, ""
		}
		if rank[t.name] < r {
			return t, fmt.Sprintf("kernels: T5GO_KERNELS=%s is not supported by this CPU or build; using %s", want, t.name)
		}
	}
	return genericTable, ""
}

// Selected names the kernel tier in use: "generic", "avx2", "avx512" or
// "amx" (avx512 with bfloat16 products on AMX tiles), or on arm64
// "neon" or "sdot".
func Selected() string { return impl.name }

// ISA names the instruction family of the selected tier's vector kernels:
// "avx512" (the avx512 and amx tiers), "avx2", "neon" (neon and sdot) or
// "generic".
func ISA() string { return impl.isa }

// Panels reports whether the selected tier has SIMD matrix × vector kernels
// for the interleaved types (tensor.Q8_0X32, Q4_0X32). Only the generic
// tier (and so the purego build) has none: its panel kernels are the
// specification, slower than its plain ones, so a loader should convert
// such weights to plain rows once.
func Panels() bool { return impl.panels }

// Features says which instruction-set extensions the selected tier uses.
func Features() string { return impl.features }
