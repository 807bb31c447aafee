// Package imageproc loads images and prepares them for the SigLIP vision
// tower the way transformers' Gemma3ImageProcessor (PIL backend,
// do_pan_and_scan off) does:
//
//	load_image: PIL.Image.open, ImageOps.exif_transpose, convert("RGB")  -> Load, Decode, DecodeBytes
//	resize((size, size), BILINEAR), aspect ratio not kept                -> ResizeBilinear
//	x*rescale_factor (float64, then float32), (x-mean)/std (float32), CHW -> Normalize
//	all of the above after decoding                                      -> Preprocess, PreprocessInto
//
// Exactness, checked in the tests against Pillow 13.0.0 and transformers
// 5.12.1 (testdata/gen_golden.py):
//   - ResizeBilinear re-implements Pillow's ImagingResample (Resample.c):
//     bit-exact, including Pillow 13's choice of pass order.
//   - Normalize gives bit-identical float32 values.
//   - PNG (every colour type and bit depth, tRNS, 16-bit), GIF (first
//     frame, Pillow's canvas and palette rules) and WebP (lossy with
//     libwebp's fancy upsampling and YUV->RGB, lossless, alpha, first frame
//     of animations) decode bit-exactly to Pillow's convert("RGB"). Alpha
//     is dropped, not composited, as Pillow does.
//   - JPEG is not exact: Go's image/jpeg IDCT differs from libjpeg-turbo's
//     jidctint. Chroma upsampling and YCbCr->RGB follow libjpeg-turbo
//     exactly, so what is left is at most 2-3 levels on a few percent of
//     samples (measured: max 2 on typical files, 3 with restart markers).
//   - EXIF orientation (JPEG APP1, PNG eXIf or raw-profile text, WebP EXIF,
//     with Pillow's XMP tiff:Orientation fallback) is applied like
//     exif_transpose.
//
// Refused with an error where Pillow would read the file: arithmetic,
// lossless and hierarchical JPEG, 4-channel JPEG without an Adobe marker;
// other formats (BMP, TIFF, ...). Not exact: CMYK/YCCK JPEG with
// subsampled channels (sample replication) and YCCK conversion rounding.
//
// Size limits. Every decoder reads the header first and refuses images
// with more than maxPixels pixels before any pixel memory is allocated.
// The default, DefaultMaxPixels, is Pillow's Image.MAX_IMAGE_PIXELS (the
// size at which Pillow starts to warn; Pillow errors at twice that).
// Decoding is not otherwise streamed: the file is read into memory whole.
package imageproc
