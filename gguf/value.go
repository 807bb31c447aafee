package gguf

import (
	"encoding/binary"
	"fmt"
	"math"
)

// ValueType is the GGUF metadata value type id.
type ValueType uint32

// The GGUF metadata value types. The numbers are the file's.
const (
	TypeUint8   ValueType = 0
	TypeInt8    ValueType = 1
	TypeUint16  ValueType = 2
	TypeInt16   ValueType = 3
	TypeUint32  ValueType = 4
	TypeInt32   ValueType = 5
	TypeFloat32 ValueType = 6
	TypeBool    ValueType = 7
	TypeString  ValueType = 8
	TypeArray   ValueType = 9
	TypeUint64  ValueType = 10
	TypeInt64   ValueType = 11
	TypeFloat64 ValueType = 12
)

var typeNames = [...]string{"uint8", "int8", "uint16", "int16", "uint32", "int32",
	"float32", "bool", "string", "array", "uint64", "int64", "float64"}

// String names the type as its Go counterpart ("uint32"), or "type(N)".
func (t ValueType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// size is the encoded size of one scalar of type t; strings report their
// minimum (the 8-byte length) and arrays 0.
func (t ValueType) size() int {
	switch t {
	case TypeUint8, TypeInt8, TypeBool:
		return 1
	case TypeUint16, TypeInt16:
		return 2
	case TypeUint32, TypeInt32, TypeFloat32:
		return 4
	case TypeUint64, TypeInt64, TypeFloat64, TypeString:
		return 8
	}
	return 0
}

// KV is one metadata entry. Value holds uint8, int8, uint16, int16, uint32,
// int32, float32, bool, string, uint64, int64 or float64, or for arrays a
// slice of one of those ([]string, []float32, []uint8, ...). Nested arrays
// are not supported: the reader rejects them and the writer cannot express
// them.
type KV struct {
	Key   string
	Value any
}

// typeOf returns the GGUF type of a KV value; for slices it also returns the
// element type and the length.
func typeOf(v any) (t, elem ValueType, n int, ok bool) {
	switch x := v.(type) {
	case uint8:
		return TypeUint8, 0, 0, true
	case int8:
		return TypeInt8, 0, 0, true
	case uint16:
		return TypeUint16, 0, 0, true
	case int16:
		return TypeInt16, 0, 0, true
	case uint32:
		return TypeUint32, 0, 0, true
	case int32:
		return TypeInt32, 0, 0, true
	case float32:
		return TypeFloat32, 0, 0, true
	case bool:
		return TypeBool, 0, 0, true
	case string:
		return TypeString, 0, 0, true
	case uint64:
		return TypeUint64, 0, 0, true
	case int64:
		return TypeInt64, 0, 0, true
	case float64:
		return TypeFloat64, 0, 0, true
	case []uint8:
		return TypeArray, TypeUint8, len(x), true
	case []int8:
		return TypeArray, TypeInt8, len(x), true
	case []uint16:
		return TypeArray, TypeUint16, len(x), true
	case []int16:
		return TypeArray, TypeInt16, len(x), true
	case []uint32:
		return TypeArray, TypeUint32, len(x), true
	case []int32:
		return TypeArray, TypeInt32, len(x), true
	case []float32:
		return TypeArray, TypeFloat32, len(x), true
	case []bool:
		return TypeArray, TypeBool, len(x), true
	case []string:
		return TypeArray, TypeString, len(x), true
	case []uint64:
		return TypeArray, TypeUint64, len(x), true
	case []int64:
		return TypeArray, TypeInt64, len(x), true
	case []float64:
		return TypeArray, TypeFloat64, len(x), true
	}
	return 0, 0, 0, false
}

// appendValue encodes v (without its type id) onto b. v must have passed
// typeOf.
func appendValue(b []byte, v any) []byte {
	le := binary.LittleEndian
	switch x := v.(type) {
	case uint8:
		return append(b, x)
	case int8:
		return append(b, byte(x))
	case uint16:
		return le.AppendUint16(b, x)
	case int16:
		return le.AppendUint16(b, uint16(x))
	case uint32:
		return le.AppendUint32(b, x)
	case int32:
		return le.AppendUint32(b, uint32(x))
	case float32:
		return le.AppendUint32(b, math.Float32bits(x))
	case bool:
		if x {
			return append(b, 1)
		}
		return append(b, 0)
	case string:
		return append(le.AppendUint64(b, uint64(len(x))), x...)
	case uint64:
		return le.AppendUint64(b, x)
	case int64:
		return le.AppendUint64(b, uint64(x))
	case float64:
		return le.AppendUint64(b, math.Float64bits(x))
	}
	_, elem, n, _ := typeOf(v)
	b = le.AppendUint32(b, uint32(elem))
	b = le.AppendUint64(b, uint64(n))
	switch x := v.(type) {
	case []uint8:
		return append(b, x...)
	case []int8:
		for _, e := range x {
			b = append(b, byte(e))
		}
	case []uint16:
		for _, e := range x {
			b = le.AppendUint16(b, e)
		}
	case []int16:
		for _, e := range x {
			b = le.AppendUint16(b, uint16(e))
		}
	case []uint32:
		for _, e := range x {
			b = le.AppendUint32(b, e)
		}
	case []int32:
		for _, e := range x {
			b = le.AppendUint32(b, uint32(e))
		}
	case []float32:
		for _, e := range x {
			b = le.AppendUint32(b, math.Float32bits(e))
		}
	case []bool:
		for _, e := range x {
			b = appendValue(b, e)
		}
	case []string:
		for _, e := range x {
			b = appendValue(b, e)
		}
	case []uint64:
		for _, e := range x {
			b = le.AppendUint64(b, e)
		}
	case []int64:
		for _, e := range x {
			b = le.AppendUint64(b, uint64(e))
		}
	case []float64:
		for _, e := range x {
			b = le.AppendUint64(b, math.Float64bits(e))
		}
	}
	return b
}
