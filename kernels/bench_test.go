package kernels

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// Benchmarks report against this machine's limits (see the package README
// in the issue): DRAM read ≈15 GB/s on one core and 30 GB/s on two, AVX-512
// FMA ≈165 GFLOP/s and VNNI int8 ≈730 GOP/s per core.
//
// Matrix × vector runs over a rotation of weight copies larger than the
// last-level cache, so the bytes/s figure is DRAM bandwidth, not cache.

// arenaBytes is the size of the weight rotation; larger than the 300 MiB
// L3 the VM reports.
const arenaBytes = 1 << 30

var arena []byte

// coldCopies returns copies of a rows×k matrix of type typ laid out one
// after another in a 1 GiB arena, with valid scales.
func coldCopies(typ tensor.Type, k, rows int) []tensor.Tensor {
	if arena == nil {
		arena = make([]byte, arenaBytes)
		r := rand.New(rand.NewPCG(1, 1))
		for i := 0; i < 1<<20; i += 8 {
			binary.LittleEndian.PutUint64(arena[i:], r.Uint64())
		}
		for i := 1 << 20; i < len(arena); i *= 2 {
			copy(arena[i:], arena[:i])
		}
	}
	size := typ.RowBytes(k) * rows
	var ts []tensor.Tensor
	for off := 0; off+size <= len(arena); off += size {
		d := arena[off : off+size]
		for b := 0; b < len(d); b += typ.BlockBytes() {
			binary.LittleEndian.PutUint16(d[b:], F32ToF16(0.01)) // a sane scale
		}
		ts = append(ts, tensor.Tensor{Name: "w", Type: typ, Shape: []int{k, rows}, Data: d})
	}
	return ts
}

var matvecShapes = []struct {
	name    string
	k, rows int
}{
	{"lmhead_262144x640", 640, 262144},
	{"up_640to2048", 640, 2048},
	{"down_2048to640", 2048, 640},
	{"proj_640to1024", 640, 1024},
}

func BenchmarkMatVec(b *testing.B) {
	for _, typ := range []tensor.Type{tensor.Q8_0, tensor.Q4_0} {
		for _, sh := range matvecShapes {
			for _, th := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%v/%s/threads=%d", Selected(), typ, sh.name, th), func(b *testing.B) {
					ws := coldCopies(typ, sh.k, sh.rows)
					w := NewWorkspace(NewPool(th))
					defer w.Pool.Close()
					x := randVec(rand.New(rand.NewPCG(2, 2)), sh.k)
					y := make([]float32, sh.rows)
					b.SetBytes(int64(len(ws[0].Data)))
					for i := 0; b.Loop(); i++ {
						w.MatMul(y, x, 1, ws[i%len(ws)])
					}
				})
			}
		}
	}
}
