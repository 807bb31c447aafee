package tensor

import "fmt"

// Tensor is a named, typed view over bytes. Shape follows ggml: Shape[0] is
// the fastest-varying dimension (the row length), so a PyTorch [out, in]
// weight has Shape {in, out}.
type Tensor struct {
	Name  string
	Type  Type
	Shape []int
	Data  []byte
}

// Elements is the product of the dimensions.
func (t Tensor) Elements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Rows is the number of rows of length Shape[0].
func (t Tensor) Rows() int {
	if len(t.Shape) == 0 {
		return 1
	}
	return t.Elements() / t.Shape[0]
}

// Row returns the bytes of row i. An interleaved type's rows are not
// contiguous (quant.DequantizeRow reads them); asking panics.
func (t Tensor) Row(i int) []byte {
	if t.Type.Interleaved() {
		panic(fmt.Sprintf("tensor: Row of %q: type %v interleaves rows", t.Name, t.Type))
	}
	rb := t.Type.RowBytes(t.Shape[0])
	return t.Data[i*rb : (i+1)*rb]
}

// ShapeString formats a shape like [640 1024].
func ShapeString(s []int) string { return fmt.Sprint(s) }
