package gguf

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/t5go/t5go/tensor"
)

// Raw builders for hand-made (and deliberately broken) images.

var le = binary.LittleEndian

func rawKV(key string, v any) []byte {
	t, _, _, _ := typeOf(v)
	b := appendValue(nil, key)
	b = le.AppendUint32(b, uint32(t))
	return appendValue(b, v)
}

// rawKVBytes is a KV with a hand-encoded type id and payload.
func rawKVBytes(key string, typ uint32, payload ...byte) []byte {
	b := appendValue(nil, key)
	b = le.AppendUint32(b, typ)
	return append(b, payload...)
}

func rawInfo(name string, typ tensor.Type, off uint64, dims ...uint64) []byte {
	b := appendValue(nil, name)
	b = le.AppendUint32(b, uint32(len(dims)))
	for _, d := range dims {
		b = le.AppendUint64(b, d)
	}
	b = le.AppendUint32(b, uint32(typ))
	return le.AppendUint64(b, off)
}

// rawImage assembles header, KVs and infos, pads to 32 and appends data.
func rawImage(kvs, infos [][]byte, data []byte) []byte {
	b := le.AppendUint32(nil, magic)
	b = le.AppendUint32(b, 3)
	b = le.AppendUint64(b, uint64(len(infos)))
	b = le.AppendUint64(b, uint64(len(kvs)))
	for _, kv := range kvs {
		b = append(b, kv...)
	}
	for _, in := range infos {
		b = append(b, in...)
	}
	for len(b)%32 != 0 {
		b = append(b, 0)
	}
	return append(b, data...)
}

func kvs(k ...[]byte) [][]byte   { return k }
func infos(i ...[]byte) [][]byte { return i }

// patch overwrites b at off with a little-endian u32 or u64.
func patch32(b []byte, off int, v uint32) []byte { le.PutUint32(b[off:], v); return b }
func patch64(b []byte, off int, v uint64) []byte { le.PutUint64(b[off:], v); return b }

func TestCorrupt(t *testing.T) {
	valid := build(t, allValues, allTensors, 0)
	f32x16 := rawInfo("w", tensor.F32, 0, 16) // 64 bytes at 0
	data64 := make([]byte, 64)
	keyOff := 24 // first KV's key length
	long20 := strings.Repeat("w", 20)
	for _, tc := range []struct {
		name string
		img  []byte
		err  string
	}{
		{"empty", nil, "truncated header (magic)"},
		{"bad magic", append([]byte("GGUX"), valid[4:]...), `bad magic "GGUX"`},
		{"version 1", patch32(clone(valid), 4, 1), "version 1 is not supported"},
		{"version 4", patch32(clone(valid), 4, 4), "unsupported version 4"},
		{"version 0", patch32(clone(valid), 4, 0), "unsupported version 0"},
		{"big-endian", patch32(clone(valid), 4, 3<<24), "looks big-endian"},
		{"truncated header", valid[:20], "truncated header (KV count)"},
		{"truncated KV", rawImage(kvs(rawKV("a", uint32(1))), nil, nil)[:24+8+1+4+2], `KV "a": truncated uint32 value`},
		{"truncated key", rawImage(kvs(rawKV("abcdefghijklmnop", uint32(1))), nil, nil)[:24+8+14], "KV 0: key length 16 exceeds the 14 bytes left"},
		{"truncated info", rawImage(nil, infos(rawInfo(long20, tensor.F32, 0, 4, 4)), data64)[:24+8+20+4+12], `tensor "wwwwwwwwwwwwwwwwwwww": truncated dimension`},
		{"truncated tensor data", rawImage(nil, infos(f32x16), data64[:63]),
			`tensor "w": 64 bytes at data offset 0 run past the end of the file (data section has 63 bytes)`},
		{"data start past end", rawImage(nil, infos(f32x16), nil)[:24+len(f32x16)+1], "data section would start at 64, past the end of the file"},
		{"huge tensor count", patch64(clone(valid), 8, 1<<62), "tensor count 4611686018427387904 is too large"},
		{"huge KV count", patch64(clone(valid), 16, 1<<62), "KV count 4611686018427387904 is too large"},
		{"KV count over by one", patch64(rawImage(kvs(rawKV("a", true)), nil, nil), 16, 3), "KV count 3 is too large"},
		{"huge string length", patch64(clone(valid), keyOff, 1<<60), "key length 1152921504606846976 exceeds"},
		{"huge string value", rawImage(kvs(rawKVBytes("s", 8, le.AppendUint64(nil, 1<<40)...)), nil, nil), `KV "s": string length 1099511627776 exceeds`},
		{"huge array", rawImage(kvs(rawKVBytes("a", 9, append(le.AppendUint32(nil, 4), le.AppendUint64(nil, 1<<40)...)...)), nil, nil),
			`KV "a": array of 1099511627776 uint32 elements needs at least 4 bytes per element`},
		{"huge string array", rawImage(kvs(rawKVBytes("a", 9, append(le.AppendUint32(nil, 8), le.AppendUint64(nil, 100)...)...)), nil, nil),
			"array of 100 string elements"},
		{"nested array", rawImage(kvs(rawKVBytes("a", 9, append(le.AppendUint32(nil, 9), le.AppendUint64(nil, 0)...)...)), nil, nil),
			`KV "a": nested arrays are not supported`},
		{"unknown value type", rawImage(kvs(rawKVBytes("a", 13, 0, 0, 0, 0)), nil, nil), `KV "a": unknown value type id 13`},
		{"unknown element type", rawImage(kvs(rawKVBytes("a", 9, append(le.AppendUint32(nil, 99), le.AppendUint64(nil, 0)...)...)), nil, nil),
			"unknown array element type id 99"},
		{"bool 2", rawImage(kvs(rawKVBytes("b", 7, 2)), nil, nil), `KV "b": bool value 2 is not 0 or 1`},
		{"bool array 2", rawImage(kvs(rawKVBytes("b", 9, append(append(le.AppendUint32(nil, 7), le.AppendUint64(nil, 2)...), 1, 5)...)), nil, nil),
			"array element 1: bool value 5"},
		{"empty key", rawImage(kvs(rawKV("", true)), nil, nil), "KV 0: empty key"},
		{"duplicate key", rawImage(kvs(rawKV("a", true), rawKV("a", false)), nil, nil), `duplicate key "a"`},
		{"duplicate tensor", rawImage(nil, infos(f32x16, rawInfo("w", tensor.F32, 64, 16)), make([]byte, 128)), `duplicate tensor name "w"`},
		{"empty tensor name", rawImage(nil, infos(rawInfo("", tensor.F32, 0, 16)), data64), "tensor info 0: empty tensor name"},
		{"long tensor name", rawImage(nil, infos(rawInfo(strings.Repeat("x", 64), tensor.F32, 0, 16)), data64), "is 64 bytes, max 63"},
		{"alignment not power of 2", rawImage(kvs(rawKV(alignmentKey, uint32(48))), nil, nil), "general.alignment 48 is not a power of two"},
		{"alignment 0", rawImage(kvs(rawKV(alignmentKey, uint32(0))), nil, nil), "general.alignment 0 is not a power of two"},
		{"alignment type", rawImage(kvs(rawKV(alignmentKey, uint64(32))), nil, nil), "general.alignment has type uint64, want uint32"},
		{"misaligned offset", rawImage(nil, infos(rawInfo("w", tensor.F32, 4, 4)), data64),
			`tensor "w": offset 4 is not a multiple of the alignment 32`},
		{"overlapping tensors", rawImage(nil, infos(rawInfo("a", tensor.F32, 32, 16), rawInfo("b", tensor.F32, 0, 16)), make([]byte, 128)),
			`tensor "b" (data offset 0, 64 bytes) overlaps tensor "a" (data offset 32)`},
		{"same offset", rawImage(nil, infos(rawInfo("a", tensor.F32, 0, 1), rawInfo("b", tensor.F32, 0, 1)), data64), "overlaps"},
		{"overflowing shape", rawImage(nil, infos(rawInfo("w", tensor.F32, 0, 1<<32, 1<<32)), data64), `tensor "w": shape [4294967296 4294967296] overflows`},
		{"overflowing size", rawImage(nil, infos(rawInfo("w", tensor.F32, 0, 1<<62)), data64), "f32 byte size overflows"},
		{"huge offset", rawImage(nil, infos(rawInfo("w", tensor.F32, 1<<63, 1)), data64), "run past the end of the file"},
		{"zero dim", rawImage(nil, infos(rawInfo("w", tensor.F32, 0, 16, 0)), data64), `tensor "w": dimension 1 is 0, want >= 1`},
		{"no dims", rawImage(nil, infos(rawInfo("w", tensor.F32, 0)), data64), `tensor "w": 0 dimensions, want 1 to 4`},
		{"too many dims", rawImage(nil, infos(rawInfo("w", tensor.F32, 0, 1, 1, 1, 1, 1)), data64), `tensor "w": 5 dimensions, want 1 to 4`},
		{"huge n_dims", patch32(rawImage(nil, infos(f32x16), data64), 24+8+1, 1<<31), "2147483648 dimensions"},
		{"unknown type", rawImage(nil, infos(rawInfo("w", tensor.Type(12), 0, 256)), data64), `tensor "w": unknown tensor type id 12`},
		{"row not divisible by block", rawImage(nil, infos(rawInfo("w", tensor.Q4_0, 0, 48)), data64),
			`tensor "w": row length 48 is not a multiple of the q4_0 block size 32`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.img)
			if err == nil {
				t.Fatalf("parsed: %d KVs, %d tensors", len(f.KVs()), len(f.Tensors()))
			}
			if !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "gguf: ") {
				t.Fatalf("error %q, want %q", err, tc.err)
			}
		})
	}
}

func clone(b []byte) []byte { return append([]byte{}, b...) }

// The raw builder itself must produce valid images, so the cases above fail
// only for the reason they name.
func TestRawValid(t *testing.T) {
	img := rawImage(kvs(rawKV("a", true), rawKV(alignmentKey, uint32(32))),
		infos(rawInfo("a", tensor.F32, 64, 16), rawInfo("b", tensor.F32, 0, 16)), make([]byte, 128))
	f, err := Parse(img)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Tensor("a"); len(v.Data) != 64 {
		t.Errorf("tensor a: %d bytes", len(v.Data))
	}
}
