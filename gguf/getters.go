package gguf

import (
	"errors"
	"fmt"
	"math"
)

// Typed getters. Each returns an error naming the key when it is missing or
// holds the wrong type. Integer getters (Uint32, Uint64, Int32, Int32s,
// Uint32s) accept any integer type whose value fits the result, so a u8 or
// i32 serves Uint32 as long as it is not negative; a value that does not fit
// is an error. Float32 accepts float32, and float64 rounded to float32.
//
// The ...Or variants return def when the key is absent; a present key of the
// wrong type is still an error.

func (f *File) get(key string) (any, error) {
	v, ok := f.Value(key)
	if !ok {
		return nil, fmt.Errorf("gguf: missing key %q", key)
	}
	return v, nil
}

func wrongType(key string, v any, want string) error {
	t, e, _, ok := typeOf(v)
	got := t.String()
	if !ok {
		got = fmt.Sprintf("%T", v)
	} else if t == TypeArray {
		got = "array of " + e.String()
	}
	return fmt.Errorf("gguf: key %q has type %s, want %s", key, got, want)
}

// asInt widens any integer scalar to int64/uint64 form: neg reports a
// negative value, u holds the magnitude for non-negative values.
func asInt(v any) (u uint64, neg bool, ok bool) {
	var s int64
	switch x := v.(type) {
	case uint8:
		return uint64(x), false, true
	case uint16:
		return uint64(x), false, true
	case uint32:
		return uint64(x), false, true
	case uint64:
		return x, false, true
	case int8:
		s = int64(x)
	case int16:
		s = int64(x)
	case int32:
		s = int64(x)
	case int64:
		s = x
	default:
		return 0, false, false
	}
	if s < 0 {
		return uint64(-(s + 1)), true, true // magnitude minus one, cannot overflow
	}
	return uint64(s), false, true
}

// intIn converts an integer scalar to the range [lo, hi]; want names the
// target type in errors, which the caller prefixes with the key.
func intIn(v any, lo int64, hi uint64, want string) (uint64, int64, error) {
	u, neg, ok := asInt(v)
	if !ok {
		return 0, 0, errNotInt
	}
	if neg {
		s := -int64(u) - 1
		if s < lo {
			return 0, 0, fmt.Errorf("value %d does not fit %s", s, want)
		}
		return 0, s, nil
	}
	if u > hi {
		return 0, 0, fmt.Errorf("value %d does not fit %s", u, want)
	}
	return u, int64(u), nil
}

var errNotInt = errors.New("not an integer")

// intKey is intIn for a scalar key.
func intKey(key string, v any, lo int64, hi uint64, want string) (uint64, int64, error) {
	u, s, err := intIn(v, lo, hi, want)
	if err == errNotInt {
		return 0, 0, wrongType(key, v, want)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("gguf: key %q: %w", key, err)
	}
	return u, s, nil
}

// String returns a string value.
func (f *File) String(key string) (string, error) {
	v, err := f.get(key)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", wrongType(key, v, "string")
	}
	return s, nil
}

// Uint32 returns an integer value that fits a uint32.
func (f *File) Uint32(key string) (uint32, error) {
	v, err := f.get(key)
	if err != nil {
		return 0, err
	}
	u, _, err := intKey(key, v, 0, math.MaxUint32, "uint32")
	return uint32(u), err
}

// Uint64 returns a non-negative integer value.
func (f *File) Uint64(key string) (uint64, error) {
	v, err := f.get(key)
	if err != nil {
		return 0, err
	}
	u, _, err := intKey(key, v, 0, math.MaxUint64, "uint64")
	return u, err
}

// Int32 returns an integer value that fits an int32.
func (f *File) Int32(key string) (int32, error) {
	v, err := f.get(key)
	if err != nil {
		return 0, err
	}
	_, s, err := intKey(key, v, math.MinInt32, math.MaxInt32, "int32")
	return int32(s), err
}

// Float32 returns a float32 value (or a float64 rounded to float32).
func (f *File) Float32(key string) (float32, error) {
	v, err := f.get(key)
	if err != nil {
		return 0, err
	}
	switch x := v.(type) {
	case float32:
		return x, nil
	case float64:
		return float32(x), nil
	}
	return 0, wrongType(key, v, "float32")
}

// Bool returns a bool value.
func (f *File) Bool(key string) (bool, error) {
	v, err := f.get(key)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, wrongType(key, v, "bool")
	}
	return b, nil
}

// Strings returns a string array. The slice is shared; do not modify.
func (f *File) Strings(key string) ([]string, error) {
	v, err := f.get(key)
	if err != nil {
		return nil, err
	}
	s, ok := v.([]string)
	if !ok {
		return nil, wrongType(key, v, "array of string")
	}
	return s, nil
}

// Float32s returns a float32 array. The slice is shared; do not modify.
func (f *File) Float32s(key string) ([]float32, error) {
	v, err := f.get(key)
	if err != nil {
		return nil, err
	}
	s, ok := v.([]float32)
	if !ok {
		return nil, wrongType(key, v, "array of float32")
	}
	return s, nil
}

// Bools returns a bool array. The slice is shared; do not modify.
func (f *File) Bools(key string) ([]bool, error) {
	v, err := f.get(key)
	if err != nil {
		return nil, err
	}
	s, ok := v.([]bool)
	if !ok {
		return nil, wrongType(key, v, "array of bool")
	}
	return s, nil
}

// Int32s returns an integer array whose elements all fit an int32, as a new
// slice.
func (f *File) Int32s(key string) ([]int32, error) {
	v, err := f.get(key)
	if err != nil {
		return nil, err
	}
	_, _, n, _ := typeOf(v)
	out := make([]int32, 0, n)
	err = eachInt(key, v, "array of int32", func(i int, e any) error {
		_, s, err := intIn(e, math.MinInt32, math.MaxInt32, "int32")
		if err != nil {
			return fmt.Errorf("gguf: key %q: element %d: %w", key, i, err)
		}
		out = append(out, int32(s))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Uint32s returns an integer array whose elements all fit a uint32, as a new
// slice.
func (f *File) Uint32s(key string) ([]uint32, error) {
	v, err := f.get(key)
	if err != nil {
		return nil, err
	}
	_, _, n, _ := typeOf(v)
	out := make([]uint32, 0, n)
	err = eachInt(key, v, "array of uint32", func(i int, e any) error {
		u, _, err := intIn(e, 0, math.MaxUint32, "uint32")
		if err != nil {
			return fmt.Errorf("gguf: key %q: element %d: %w", key, i, err)
		}
		out = append(out, uint32(u))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachInt calls fn on every element of an integer array.
func eachInt(key string, v any, want string, fn func(int, any) error) error {
	var err error
	visit := func(n int, at func(int) any) {
		for i := 0; i < n && err == nil; i++ {
			err = fn(i, at(i))
		}
	}
	switch x := v.(type) {
	case []uint8:
		visit(len(x), func(i int) any { return x[i] })
	case []int8:
		visit(len(x), func(i int) any { return x[i] })
	case []uint16:
		visit(len(x), func(i int) any { return x[i] })
	case []int16:
		visit(len(x), func(i int) any { return x[i] })
	case []uint32:
		visit(len(x), func(i int) any { return x[i] })
	case []int32:
		visit(len(x), func(i int) any { return x[i] })
	case []uint64:
		visit(len(x), func(i int) any { return x[i] })
	case []int64:
		visit(len(x), func(i int) any { return x[i] })
	default:
		return wrongType(key, v, want)
	}
	return err
}

// StringOr is String with a default for an absent key.
func (f *File) StringOr(key, def string) (string, error) {
	if !f.Has(key) {
		return def, nil
	}
	return f.String(key)
}

// Uint32Or is Uint32 with a default for an absent key.
func (f *File) Uint32Or(key string, def uint32) (uint32, error) {
	if !f.Has(key) {
		return def, nil
	}
	return f.Uint32(key)
}

// Int32Or is Int32 with a default for an absent key.
func (f *File) Int32Or(key string, def int32) (int32, error) {
	if !f.Has(key) {
		return def, nil
	}
	return f.Int32(key)
}

// Float32Or is Float32 with a default for an absent key.
func (f *File) Float32Or(key string, def float32) (float32, error) {
	if !f.Has(key) {
		return def, nil
	}
	return f.Float32(key)
}

// BoolOr is Bool with a default for an absent key.
func (f *File) BoolOr(key string, def bool) (bool, error) {
	if !f.Has(key) {
		return def, nil
	}
	return f.Bool(key)
}
