package t5gemma

import (
	"bufio"

	"fmt"
	"github.com/t5go/t5go/tensor"
	"os"
	"strconv"
	"strings"
)

// StateBytes estimates what NewState allocates for lim: the residual stream,
// encoder keys/values, encoder output, cross and self caches, RoPE tables and
// the per-chunk activations. It grows linearly with the input length.
func (m *Model) StateBytes(lim Limits) int64 {
	c := m.Config
	if lim.Chunk <= 0 || lim.Chunk > lim.DecLen {
		lim.Chunk = lim.DecLen
	}
	B, S, T := int64(lim.Batch), int64(lim.EncLen), int64(lim.DecLen)
	n := max(B*S, B*int64(lim.Chunk))
	nc := min(n, int64(chunkRows))
	H := int64(c.Hidden)
	qw := int64(max(c.Enc.Heads*c.Enc.HeadDim, c.Dec.Heads*c.Dec.HeadDim))
	kvw := int64(max(c.Enc.KVHeads*c.Enc.HeadDim, c.Dec.KVHeads*c.Dec.HeadDim))
	dkvw := int64(c.Dec.KVHeads * c.Dec.HeadDim)
	ffn := int64(max(c.Enc.FFN, c.Dec.FFN))
	floats := n*H + 2*n*kvw + // residual stream, keys and values
		B*S*int64(c.Enc.KVHeads*c.Enc.HeadDim) + // values transposed for blocked attention
		nc*(2*H+2*qw+2*ffn) + // per-chunk activations
		B*S*H + // encoder output
		int64(c.Dec.Layers)*2*B*T*dkvw + // self caches (at most T positions)
		2*(S*int64(c.Enc.HeadDim)+T*int64(c.Dec.HeadDim)) + // RoPE cos/sin, two layer types
		B*int64(lim.Chunk)*H + B*int64(c.Vocab) // final states, logits
	ct, err := crossType(lim.CrossType, c.Dec.HeadDim)
	if err != nil {
		ct = tensor.F32
	}
	return 4*floats + int64(c.Dec.Layers)*crossBytes(lim.Batch, lim.EncLen, &c.Dec, ct) + 4*2*S*dkvw // + cross caches and their build buffers
}

// checkMemory refuses a state that would not fit in the memory the system
// reports available, before allocating it.
func (m *Model) checkMemory(lim Limits) error {
	need := m.StateBytes(lim)
	avail := availableMemory()
	if avail > 0 && need > avail {
		return fmt.Errorf("t5gemma: %d encoder × %d decoder tokens (batch %d) need about %.1f GiB of activations and caches, but only %.1f GiB is available",
			lim.EncLen, lim.DecLen, lim.Batch, gib(need), gib(avail))
	}
	return nil
}

func gib(n int64) float64 { return float64(n) / (1 << 30) }

// availableMemory is MemAvailable from /proc/meminfo, or 0 where unknown.
func availableMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}
