package bench

import (
	"github.com/t5go/t5go/t5gemma"
	"github.com/t5go/t5go/tensor"
)

// work is what one measured operation must do at least: integer
// multiply-adds (products with Q8_0/Q4_0 weights, 2 ops each), float
// multiply-adds (other weights, attention; 2 flops each) and bytes it must
// read from memory (weights, caches). Its roofline time is the larger of the
// compute time at the probed peaks and the read time at the probed
// bandwidth.
type work struct {
	intOps, floatOps float64
	bytes            float64
	noPeak           bool // done on a unit no probe measures (AMX): no roofline
}

func (w work) add(o work) work {
	return work{w.intOps + o.intOps, w.floatOps + o.floatOps, w.bytes + o.bytes, w.noPeak || o.noPeak}
}

func (w work) scale(f float64) work {
	return work{w.intOps * f, w.floatOps * f, w.bytes * f, w.noPeak}
}

// seconds is the roofline time of w on a machine with the given peaks.
func (w work) seconds(p Peaks) float64 {
	compute := 0.0
	if w.intOps > 0 && p.Int8 > 0 {
		compute += w.intOps / p.Int8
	}
	if w.floatOps > 0 && p.FMA > 0 {
		compute += w.floatOps / p.FMA
	}
	mem := 0.0
	if p.ReadBW > 0 {
		mem = w.bytes / p.ReadBW
	}
	return max(compute, mem)
}

// product is the work of n tokens through weight matrix t (k inputs → rows
// outputs); the weights are read once.
func product(t tensor.Tensor, n int) work {
	ops := 2 * float64(t.Shape[0]) * float64(t.Rows()) * float64(n)
	w := work{bytes: float64(len(t.Data))}
	if b := t.Type.Base(); b == tensor.Q8_0 || b == tensor.Q4_0 {
		w.intOps = ops
	} else {
		w.floatOps = ops
	}
	return w
}

func layerProducts(L *t5gemma.Layer, n int) work {
	var w work
	for _, t := range []tensor.Tensor{L.Q, L.K, L.V, L.O, L.Gate, L.Up, L.Down} {
		w = w.add(product(t, n))
	}
	return w
}

// attention is the float work of queries attending over keys (scores and
// the weighted sum of values: 4·headDim flops per query head and key).
func attention(c *t5gemma.StackConfig, queryKeys float64) work {
	return work{floatOps: 4 * float64(c.HeadDim*c.Heads) * queryKeys}
}

// encoderKeys is the number of (query, key) pairs of one encoder layer over
// s tokens: all of them on full layers, the bidirectional window on sliding
// ones ([i-(w+1)/2+1, i+w/2] as transformers masks it).
func encoderKeys(s int, sliding bool, w int) float64 {
	if !sliding {
		return float64(s) * float64(s)
	}
	var n float64
	for i := range s {
		lo, hi := max(0, i-(w+1)/2+1), min(s, i+w/2+1)
		n += float64(hi - lo)
	}
	return n
}

// encodeWork is Encode over s tokens: the encoder layers, their attention,
// and the decoder's cross keys and values of every layer.
func encodeWork(m *t5gemma.Model, s int) work {
	var w work
	c := m.Config
	for l := range m.Enc.Layers {
		w = w.add(layerProducts(&m.Enc.Layers[l], s))
		w = w.add(attention(&c.Enc, encoderKeys(s, c.Enc.Sliding[l], c.Enc.Window)))
	}
	for l := range m.Dec.Layers {
		L := &m.Dec.Layers[l]
		w = w.add(product(L.K, s)).add(product(L.V, s))
	}
	return w
}

// decodeWork is one decoder token at position pos for each of b sequences
// after s encoder tokens: every decoder weight and the LM head read once
// for all of them, each sequence's cross and self caches once per layer.
func decodeWork(m *t5gemma.Model, s, pos, b int) work {
	var w work
	c := &m.Config.Dec
	kvw := float64(c.KVHeads * c.HeadDim)
	for l := range m.Dec.Layers {
		w = w.add(layerProducts(&m.Dec.Layers[l], b))
		self := pos + 1
		if c.Sliding[l] {
			self = min(self, c.Window)
		}
		keys := float64(b) * float64(s+self)
		w = w.add(attention(c, keys))
		w.bytes += 2 * 4 * kvw * keys // f32 keys and values
	}
	return w.add(product(m.Embd, b))
}

// generateWork is n decoder tokens of b sequences after s encoder tokens.
func generateWork(m *t5gemma.Model, s, n, b int) work {
	var w work
	for pos := range n {
		w = w.add(decodeWork(m, s, pos, b))
	}
	return w
}

// imageWork is one image through the vision tower and the projector.
func imageWork(m *t5gemma.Model) work {
	vc, v := m.Config.Vision, m.Vision
	side := vc.ImageSize / vc.PatchSize
	P := side * side
	w := product(v.PatchW, P).add(product(v.InputProj, m.Config.MMTokensPerImage))
	for l := range v.Layers {
		L := &v.Layers[l]
		for _, t := range []tensor.Tensor{L.Q, L.K, L.V, L.Out, L.Up, L.Down} {
			w = w.add(product(t, P))
		}
		w.floatOps += 4 * float64(vc.Hidden) * float64(P) * float64(P)
	}
	return w
}
