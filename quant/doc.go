// Package quant converts float32 values to and from the storage types t5go
// writes into GGUF files: F32, F16, BF16, Q8_0 and Q4_0, in ggml's exact byte
// layouts. This is the pure-Go reference; faster kernels are tested against it.
//
// Block layouts (little-endian, fp16 = IEEE half):
//
//	Q8_0: 32 values in 34 bytes: d fp16, qs[32] int8;        w[i] = d·qs[i]
//	Q4_0: 32 values in 18 bytes: d fp16, qs[16] nibbles;     w[j] = d·((qs[j]&15)−8),
//	                                                          w[j+16] = d·((qs[j]>>4)−8)
//
// Q8_0X32 and Q4_0X32 (t5go's own) hold the blocks of Q8_0 / Q4_0 with 32 rows
// interleaved for the matrix × vector kernels: see tensor.X32Layout,
// Interleave and PlainRow.
//
// Quantization is byte-identical to the reference quantizer of the Python
// gguf package (gguf-py gguf/quants.py, which llama.cpp's converter uses),
// not to ggml's C quantizer; the golden test in testdata checks this. Both
// compute in float32, but gguf-py differs from the C code in details we
// follow: Q4_0 keeps the first element of largest magnitude, and non-finite
// products (a block so tiny that 1/d overflows) become byte 0, as numpy's
// float-to-int cast gives on amd64. F16 rounds to nearest even like numpy's
// astype(float16); BF16 rounds to nearest even like gguf-py and ggml, and
// keeps a NaN a NaN (sign and top payload kept, quiet bit set).
//
// Fallback rule: ggml cannot store a partial block, so a tensor whose row
// length is not a multiple of 32 (e.g. SigLIP fc2, whose rows are 4304 long)
// is stored as F16 when Q8_0 or Q4_0 was asked for. See Fallback.
package quant
