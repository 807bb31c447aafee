package gguf

import (
	"reflect"
	"strings"
	"testing"
)

func TestGetters(t *testing.T) {
	f, err := Parse(build(t, allValues, nil, 0))
	if err != nil {
		t.Fatal(err)
	}
	call := map[string]func(string) (any, error){
		"String":   func(k string) (any, error) { return f.String(k) },
		"Uint32":   func(k string) (any, error) { return f.Uint32(k) },
		"Uint64":   func(k string) (any, error) { return f.Uint64(k) },
		"Int32":    func(k string) (any, error) { return f.Int32(k) },
		"Float32":  func(k string) (any, error) { return f.Float32(k) },
		"Bool":     func(k string) (any, error) { return f.Bool(k) },
		"Strings":  func(k string) (any, error) { return f.Strings(k) },
		"Float32s": func(k string) (any, error) { return f.Float32s(k) },
		"Int32s":   func(k string) (any, error) { return f.Int32s(k) },
		"Uint32s":  func(k string) (any, error) { return f.Uint32s(k) },
		"Bools":    func(k string) (any, error) { return f.Bools(k) },
		"StringOr": func(k string) (any, error) { return f.StringOr(k, "def") },
		"Uint32Or": func(k string) (any, error) { return f.Uint32Or(k, 7) },
		"Int32Or":  func(k string) (any, error) { return f.Int32Or(k, -7) },
		"Float32Or": func(k string) (any, error) {
			return f.Float32Or(k, 0.5)
		},
		"BoolOr": func(k string) (any, error) { return f.BoolOr(k, true) },
	}
	for _, tc := range []struct {
		fn, key string
		want    any    // when err == ""
		err     string // substring
	}{
		{"String", "t.str", "héllo", ""},
		{"String", "t.u8", nil, `key "t.u8" has type uint8, want string`},
		{"String", "absent", nil, `missing key "absent"`},
		{"Uint32", "t.u8", uint32(200), ""},
		{"Uint32", "t.u32", uint32(4000000000), ""},
		{"Uint32", "t.i8", nil, `key "t.i8": value -100 does not fit uint32`},
		{"Uint32", "t.u64", nil, "value 18446744073709551615 does not fit uint32"},
		{"Uint32", "t.f32", nil, "has type float32, want uint32"},
		{"Uint64", "t.u64", uint64(1<<64 - 1), ""},
		{"Uint64", "t.i64", nil, "does not fit uint64"},
		{"Int32", "t.i32", int32(-2000000000), ""},
		{"Int32", "t.i16", int32(-30000), ""},
		{"Int32", "t.u32", nil, "value 4000000000 does not fit int32"},
		{"Int32", "t.i64", nil, "value -9223372036854775808 does not fit int32"},
		{"Float32", "t.f32", float32(1.5), ""},
		{"Float32", "t.f64", float32(3.1415927), ""},
		{"Float32", "t.str", nil, "has type string, want float32"},
		{"Bool", "t.bool", true, ""},
		{"Bool", "t.u8", nil, "want bool"},
		{"Strings", "t.astr", []string{"", "a", "<pad>"}, ""},
		{"Strings", "t.af32", nil, `key "t.af32" has type array of float32, want array of string`},
		{"Float32s", "t.af32", []float32{0.25, -3}, ""},
		{"Float32s", "t.f32", nil, "has type float32, want array of float32"},
		{"Int32s", "t.ai32", []int32{-5, 5}, ""},
		{"Int32s", "t.au8", []int32{1, 2, 255}, ""},
		{"Int32s", "t.au32", nil, `key "t.au32": element 2: value 4294967295 does not fit int32`},
		{"Int32s", "t.af32", nil, "want array of int32"},
		{"Uint32s", "t.au32", []uint32{0, 1, 4294967295}, ""},
		{"Uint32s", "t.ai16", nil, "element 0: value -32768 does not fit uint32"},
		{"Bools", "t.abool", []bool{true, false, true}, ""},
		{"Bools", "t.au8", nil, "want array of bool"},
		{"StringOr", "absent", "def", ""},
		{"StringOr", "t.str", "héllo", ""},
		{"StringOr", "t.u8", nil, "want string"},
		{"Uint32Or", "absent", uint32(7), ""},
		{"Uint32Or", "t.u16", uint32(60000), ""},
		{"Int32Or", "absent", int32(-7), ""},
		{"Float32Or", "absent", float32(0.5), ""},
		{"Float32Or", "t.bool", nil, "want float32"},
		{"BoolOr", "absent", true, ""},
		{"BoolOr", "t.bool", true, ""},
	} {
		got, err := call[tc.fn](tc.key)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s(%q): error %v, want %q", tc.fn, tc.key, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s(%q) = %v, %v; want %v", tc.fn, tc.key, got, err, tc.want)
		}
	}
	if !f.Has("t.u8") || f.Has("absent") {
		t.Error("Has")
	}
}
