package safetensors

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// tensorSpec describes one tensor for the test writer; offsets, when set,
// override the ones the writer computes (to build corrupt files).
type tensorSpec struct {
	name    string
	dtype   string
	shape   []int64
	data    []byte
	offsets []int64
}

// build writes a safetensors image: 8-byte length, JSON header padded with
// spaces to a multiple of 8, then the tensors' bytes in order.
func build(t testing.TB, meta map[string]string, specs ...tensorSpec) []byte {
	t.Helper()
	header := map[string]any{}
	if meta != nil {
		header["__metadata__"] = meta
	}
	var body []byte
	for _, s := range specs {
		off := s.offsets
		if off == nil {
			off = []int64{int64(len(body)), int64(len(body) + len(s.data))}
		}
		header[s.name] = map[string]any{"dtype": s.dtype, "shape": s.shape, "data_offsets": off}
		body = append(body, s.data...)
	}
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	return image(h, body)
}

func image(header, body []byte) []byte {
	for len(header)%8 != 0 {
		header = append(header, ' ')
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(out, header...), body...)
}

func writeFile(t testing.TB, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func f32Bytes(v ...float32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}
