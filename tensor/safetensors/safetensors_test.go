package safetensors

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	img := build(t, map[string]string{"format": "pt"},
		tensorSpec{name: "w.f32", dtype: "F32", shape: []int64{2, 3}, data: f32Bytes(1, 2, 3, -4, 0.5, 1e-3)},
		tensorSpec{name: "w.f16", dtype: "F16", shape: []int64{2}, data: []byte{0x00, 0x3c, 0x00, 0xc0}},
		tensorSpec{name: "w.bf16", dtype: "BF16", shape: []int64{1, 2}, data: []byte{0x80, 0x3f, 0x49, 0x40}},
		tensorSpec{name: "ids", dtype: "I64", shape: []int64{2}, data: binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, 7), math.MaxUint64)},
		tensorSpec{name: "empty", dtype: "F32", shape: []int64{0, 5}, data: nil},
		tensorSpec{name: "scalar", dtype: "F32", shape: []int64{}, data: f32Bytes(42)},
	)
	f, err := Parse(img)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Names(), []string{"empty", "ids", "scalar", "w.bf16", "w.f16", "w.f32"}; !slices.Equal(got, want) {
		t.Errorf("Names = %v, want %v", got, want)
	}
	if m := f.Metadata(); m["format"] != "pt" || len(m) != 1 {
		t.Errorf("Metadata = %v", m)
	}
	cases := []struct {
		name  string
		shape []int
		want  []float32
	}{
		{"w.f32", []int{2, 3}, []float32{1, 2, 3, -4, 0.5, 1e-3}},
		{"w.f16", []int{2}, []float32{1, -2}},
		{"w.bf16", []int{1, 2}, []float32{1, 3.140625}},
		{"empty", []int{0, 5}, []float32{}},
		{"scalar", []int{}, []float32{42}},
	}
	for _, c := range cases {
		info, ok := f.Tensor(c.name)
		if !ok {
			t.Fatalf("%s missing", c.name)
		}
		if !slices.Equal(info.Shape, c.shape) || info.Elements() != len(c.want) {
			t.Errorf("%s: shape %v elements %d, want %v", c.name, info.Shape, info.Elements(), c.shape)
		}
		got := make([]float32, info.Elements())
		if err := info.Float32s(got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	ids, _ := f.Tensor("ids")
	got := make([]int64, 2)
	if err := ids.Int64s(got); err != nil || got[0] != 7 || got[1] != -1 {
		t.Errorf("ids: %v %v", got, err)
	}
	if err := ids.Float32s(make([]float32, 2)); err == nil || !strings.Contains(err.Error(), `tensor "ids": dtype I64 cannot be read as float32`) {
		t.Errorf("Float32s on I64: %v", err)
	}
	w, _ := f.Tensor("w.f32")
	if err := w.Float32s(make([]float32, 5)); err == nil || !strings.Contains(err.Error(), "holds 5 values, want 6") {
		t.Errorf("short dst: %v", err)
	}
	if err := w.Int64s(make([]int64, 6)); err == nil {
		t.Error("Int64s on F32 accepted")
	}
	if _, ok := f.Tensor("nope"); ok {
		t.Error("found a missing tensor")
	}
}

func TestParseCorrupt(t *testing.T) {
	one := func(s tensorSpec) func(t testing.TB) []byte {
		return func(t testing.TB) []byte { return build(t, nil, s) }
	}
	raw := func(header string, body int) func(testing.TB) []byte {
		return func(testing.TB) []byte { return image([]byte(header), make([]byte, body)) }
	}
	f4 := f32Bytes(1, 2, 3, 4)
	cases := []struct {
		name string
		img  func(testing.TB) []byte
		want string
	}{
		{"empty file", func(testing.TB) []byte { return nil }, "too short"},
		{"header past EOF", func(testing.TB) []byte { return binary.LittleEndian.AppendUint64(nil, 100) }, "runs past the end"},
		{"header too big", func(testing.TB) []byte { return binary.LittleEndian.AppendUint64(nil, 1<<40) }, "exceeds"},
		{"invalid JSON", raw(`{"a": `, 0), "invalid JSON"},
		{"not an object", raw(`[1, 2]`, 0), "not a JSON object"},
		{"trailing data", raw(`{} {}`, 0), "trailing data"},
		{"bad UTF-8", raw("{\"\xff\": 1}", 0), "UTF-8"},
		{"duplicate name", raw(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}`, 0), `duplicate key "a"`},
		{"bad metadata", raw(`{"__metadata__":{"x":1}}`, 0), "__metadata__ must map strings to strings"},
		{"entry not object", raw(`{"a":3}`, 0), `tensor "a": bad entry`},
		{"missing dtype", raw(`{"a":{"shape":[1],"data_offsets":[0,4]}}`, 4), `tensor "a": missing dtype`},
		{"missing shape", raw(`{"a":{"dtype":"F32","data_offsets":[0,4]}}`, 4), `tensor "a": missing shape`},
		{"missing offsets", raw(`{"a":{"dtype":"F32","shape":[1]}}`, 4), `tensor "a": missing data_offsets`},
		{"fractional dim", raw(`{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}`, 4), `tensor "a": bad entry`},
		{"unknown dtype", one(tensorSpec{name: "a", dtype: "F4", shape: []int64{4}, data: f4}), `tensor "a": unknown dtype "F4"`},
		{"negative dim", one(tensorSpec{name: "a", dtype: "F32", shape: []int64{-1, 4}, data: f4}), `tensor "a": negative dimension -1`},
		{"three offsets", one(tensorSpec{name: "a", dtype: "F32", shape: []int64{4}, data: f4, offsets: []int64{0, 8, 16}}), "must be [begin, end]"},
		{"end past data", one(tensorSpec{name: "a", dtype: "F32", shape: []int64{4}, data: f4, offsets: []int64{0, 20}}), "outside the 16-byte data section"},
		{"begin after end", one(tensorSpec{name: "a", dtype: "F32", shape: []int64{1}, data: f4, offsets: []int64{8, 4}}), "data_offsets [8,4] outside"},
		{"negative begin", one(tensorSpec{name: "a", dtype: "F32", shape: []int64{1}, data: f4, offsets: []int64{-4, 0}}), "outside"},
		{"wrong byte size", one(tensorSpec{name: "a", dtype: "F32", shape: []int64{3}, data: f4}), "shape [3] of F32 needs 12 bytes, data_offsets give 16"},
		{"bf16 size", one(tensorSpec{name: "a", dtype: "BF16", shape: []int64{2, 2}, data: f4}), "needs 8 bytes"},
		{"huge dims overflow", one(tensorSpec{name: "a", dtype: "F32", shape: []int64{1 << 40, 1 << 40}, data: f4}), "overflows"},
		{"huge bytes", one(tensorSpec{name: "a", dtype: "I64", shape: []int64{1 << 61}, data: f4}), "needs 2305843009213693952×8 bytes"},
		{"dim beyond int64", raw(`{"a":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}}`, 4), "bad entry"},
		{"overlap", func(t testing.TB) []byte {
			return build(t, nil,
				tensorSpec{name: "a", dtype: "F32", shape: []int64{2}, data: f4[:8], offsets: []int64{0, 8}},
				tensorSpec{name: "b", dtype: "F32", shape: []int64{2}, data: f4[8:], offsets: []int64{4, 12}})
		}, `tensors "a" [0,8) and "b" [4,12) overlap`},
	}
	for _, c := range cases {
		_, err := Parse(c.img(t))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want error containing %q", c.name, err, c.want)
		}
	}
}
