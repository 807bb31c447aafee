package t5gemma

import (
	"fmt"

	"github.com/t5go/t5go/gguf"
)

// writeConfig stores c as GGUF metadata.
func writeConfig(w *gguf.Writer, c *Config) error {
	kv := []struct {
		k string
		v any
	}{
		{"general.architecture", Arch},
		{kVocab, uint32(c.Vocab)},
		{kHidden, uint32(c.Hidden)},
		{kBOS, int32(c.BOS)},
		{kEOS, append([]int32(nil), c.EOS...)},
		{kPAD, int32(c.PAD)},
		{kDecStart, int32(c.DecoderStart)},
		{kBOI, int32(c.BOI)},
		{kEOI, int32(c.EOI)},
		{kImageToken, int32(c.ImageToken)},
		{kMMTokens, uint32(c.MMTokensPerImage)},
		{kFinalSoftcap, c.FinalSoftcap},
	}
	for _, st := range []struct {
		p string
		s *StackConfig
	}{{encPrefix, &c.Enc}, {decPrefix, &c.Dec}} {
		s := st.s
		kv = append(kv, []struct {
			k string
			v any
		}{
			{stackKey(st.p, sBlockCount), uint32(s.Layers)},
			{stackKey(st.p, sContext), uint32(s.Context)},
			{stackKey(st.p, sFFN), uint32(s.FFN)},
			{stackKey(st.p, sHeads), uint32(s.Heads)},
			{stackKey(st.p, sKVHeads), uint32(s.KVHeads)},
			{stackKey(st.p, sHeadDim), uint32(s.HeadDim)},
			{stackKey(st.p, sEps), s.Eps},
			{stackKey(st.p, sWindow), uint32(s.Window)},
			{stackKey(st.p, sSlidingLayers), append([]bool(nil), s.Sliding...)},
			{stackKey(st.p, sQueryScalar), s.QueryScalar},
			{stackKey(st.p, sRopeBase), float32(s.RopeBase)},
			{stackKey(st.p, sRopeFactor), float32(s.RopeFactor)},
			{stackKey(st.p, sRopeScaling), scalingName(s.RopeFactor)},
			{stackKey(st.p, sRopeBaseSWA), float32(s.RopeBaseSWA)},
			{stackKey(st.p, sRopeFactorSW), float32(s.RopeFactorSWA)},
			{stackKey(st.p, sRopeScalingSW), scalingName(s.RopeFactorSWA)},
		}...)
	}
	if v := c.Vision; v != nil {
		kv = append(kv, []struct {
			k string
			v any
		}{
			{kvImageSize, uint32(v.ImageSize)},
			{kvPatchSize, uint32(v.PatchSize)},
			{kvHidden, uint32(v.Hidden)},
			{kvBlocks, uint32(v.Layers)},
			{kvHeads, uint32(v.Heads)},
			{kvFFN, uint32(v.FFN)},
			{kvEps, v.Eps},
			{kvMean, v.Mean[:]},
			{kvStd, v.Std[:]},
			{kvRescale, v.Rescale},
		}...)
	}
	for _, e := range kv {
		if err := w.SetKV(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

func scalingName(f float64) string {
	if f == 1 {
		return "none"
	}
	return "linear"
}

// ReadConfig reads and validates the model configuration of a GGUF file.
func ReadConfig(f *gguf.File) (*Config, error) {
	r := metaReader{f: f}
	if arch := r.str("general.architecture"); r.err == nil && arch != Arch {
		return nil, fmt.Errorf("gguf: general.architecture is %q, want %q", arch, Arch)
	}
	c := &Config{
		Vocab:            r.int(kVocab),
		Hidden:           r.int(kHidden),
		BOS:              r.i32(kBOS),
		EOS:              r.i32s(kEOS),
		PAD:              r.i32(kPAD),
		DecoderStart:     r.i32(kDecStart),
		BOI:              r.i32(kBOI),
		EOI:              r.i32(kEOI),
		ImageToken:       r.i32(kImageToken),
		MMTokensPerImage: r.int(kMMTokens),
		FinalSoftcap:     r.f32(kFinalSoftcap),
	}
	for _, st := range []struct {
		p string
		s *StackConfig
	}{{encPrefix, &c.Enc}, {decPrefix, &c.Dec}} {
		k := func(s string) string { return stackKey(st.p, s) }
		*st.s = StackConfig{
			Layers:        r.int(k(sBlockCount)),
			Context:       r.int(k(sContext)),
			FFN:           r.int(k(sFFN)),
			Heads:         r.int(k(sHeads)),
			KVHeads:       r.int(k(sKVHeads)),
			HeadDim:       r.int(k(sHeadDim)),
			Eps:           r.f32(k(sEps)),
			Window:        r.int(k(sWindow)),
			Sliding:       r.bools(k(sSlidingLayers)),
			QueryScalar:   r.f32(k(sQueryScalar)),
			RopeBase:      float64(r.f32(k(sRopeBase))),
			RopeFactor:    float64(r.f32(k(sRopeFactor))),
			RopeBaseSWA:   float64(r.f32(k(sRopeBaseSWA))),
			RopeFactorSWA: float64(r.f32(k(sRopeFactorSW))),
		}
	}
	if f.Has(kvImageSize) {
		v := &VisionConfig{
			ImageSize: r.int(kvImageSize),
			PatchSize: r.int(kvPatchSize),
			Hidden:    r.int(kvHidden),
			Layers:    r.int(kvBlocks),
			Heads:     r.int(kvHeads),
			FFN:       r.int(kvFFN),
			Eps:       r.f32(kvEps),
			Rescale:   r.f64(kvRescale),
		}
		v.Mean = r.f32x3(kvMean)
		v.Std = r.f32x3(kvStd)
		c.Vision = v
	}
	if r.err != nil {
		return nil, r.err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// metaReader reads typed keys and keeps the first error, so that a config
// can be read as one block of assignments.
type metaReader struct {
	f   *gguf.File
	err error
}

func (r *metaReader) keep(err error) {
	if r.err == nil && err != nil {
		r.err = err
	}
}

func (r *metaReader) str(k string) string  { v, err := r.f.String(k); r.keep(err); return v }
func (r *metaReader) i32(k string) int32   { v, err := r.f.Int32(k); r.keep(err); return v }
func (r *metaReader) f32(k string) float32 { v, err := r.f.Float32(k); r.keep(err); return v }
func (r *metaReader) i32s(k string) []int32 {
	v, err := r.f.Int32s(k)
	r.keep(err)
	return v
}
func (r *metaReader) bools(k string) []bool { v, err := r.f.Bools(k); r.keep(err); return v }

func (r *metaReader) int(k string) int {
	v, err := r.f.Uint32(k)
	r.keep(err)
	return int(v)
}

func (r *metaReader) f32x3(k string) [3]float32 {
	var out [3]float32
	v, err := r.f.Float32s(k)
	if err == nil && len(v) != 3 {
		err = fmt.Errorf("gguf: key %q has %d values, want 3", k, len(v))
	}
	r.keep(err)
	copy(out[:], v)
	return out
}

func (r *metaReader) f64(k string) float64 {
	v, ok := r.f.Value(k)
	f, isF64 := v.(float64)
	if !ok || !isF64 {
		r.keep(fmt.Errorf("gguf: key %q: want a float64", k))
	}
	return f
}
