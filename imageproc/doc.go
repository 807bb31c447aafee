// Package imageproc loads images and prepares them for the SigLIP vision
// tower the way transformers' Gemma3ImageProcessor (PIL backend) does:
//
//	PIL.Image.open + ImageOps.exif_transpose + convert("RGB")   -> Decode, Load
//	resize((size, size), BILINEAR)                               -> ResizeBilinear
//	x*rescale_factor (float64, then float32), (x-mean)/std (float32), CHW -> Preprocess
//
// Exactness. The resize is a re-implementation of Pillow's ImagingResample
// (libImaging/Resample.c) with the same fixed-point coefficients and rounding,
// so it is bit-exact. PNG, GIF and WebP decoding follow what Pillow gives for
// the same file (see the per-format files for the mode conversions), and are
// checked bit-exactly against Pillow outputs in the tests. JPEG is the one
// format that is not exact: Go's image/jpeg uses a different integer IDCT from
// libjpeg-turbo's (jidctint), so decoded samples can differ by a level or
// two; chroma upsampling and YCbCr->RGB follow libjpeg-turbo exactly so the
// difference stays at that level (the tests state the measured bound).
//
// Size limits. Every decoder reads the header first and refuses images with
// more than maxPixels pixels before any pixel memory is allocated. The
// default, DefaultMaxPixels, is Pillow's Image.MAX_IMAGE_PIXELS (the size at
// which Pillow starts to warn; Pillow errors at twice that).
package imageproc
