package imageproc

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// pngChunk builds one PNG chunk with its CRC.
func pngChunk(typ string, body []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(body)))
	b.WriteString(typ)
	b.Write(body)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), body...)))
	return b.Bytes()
}

// pngHeaderOnly is a PNG whose IHDR claims w×h RGB, followed by an IDAT
// with a little zlib data, as a decompression bomb would start.
func pngHeaderOnly(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, pngChunk("IHDR", ihdr)...)
	b = append(b, pngChunk("IDAT", []byte{0x78, 0x9c, 0x63, 0x00, 0x00})...)
	return append(b, pngChunk("IEND", nil)...)
}

// jpegSOF is the start of a baseline JPEG whose frame header claims w×h,
// up to its scan header (image/jpeg's DecodeConfig reads that far).
func jpegSOF(w, h uint16) []byte {
	b := []byte{0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 3}
	for c := byte(1); c <= 3; c++ {
		b = append(b, c, 0x11, 0)
	}
	return append(b, 0xff, 0xda, 0, 12, 3, 1, 0, 2, 0, 3, 0, 0, 63, 0)
}

func gifHeader(w, h uint16, rest ...byte) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	b = append(b, 0x80, 0, 0, 0, 0, 0, 255, 255, 255) // 2-entry global table
	return append(b, rest...)
}

// webpVP8X is a VP8X WebP header claiming a w×h canvas.
func webpVP8X(w, h int) []byte {
	b := []byte("RIFF\x00\x00\x00\x00WEBPVP8X")
	b = binary.LittleEndian.AppendUint32(b, 10)
	b = append(b, 0, 0, 0, 0)
	b = append(b, byte(w-1), byte((w-1)>>8), byte((w-1)>>16), byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// webpAnim is a VP8X header with the animation flag, then one ANMF chunk
// with the given payload (none if nil).
func webpAnim(w, h int, anmf []byte) []byte {
	b := webpVP8X(w, h)
	b[20] |= 0x02
	if anmf != nil {
		b = append(b, "ANMF"...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(anmf)))
		b = append(b, anmf...)
	}
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

func TestDecodeBadInput(t *testing.T) {
	good := readFile(t, "image0.png")
	jpg := readFile(t, filepath.Join("golden", "jpeg_420.jpg"))
	webp := readFile(t, filepath.Join("golden", "webp_lossy_37x29.webp"))
	badCRC := append([]byte(nil), good...)
	badCRC[30] ^= 0xff // inside IHDR
	// Break the VP8 start code (bytes 23..25 of a simple lossy file).
	corruptWebP := append([]byte(nil), webp...)
	if string(corruptWebP[12:16]) != "VP8 " {
		t.Fatalf("webp_lossy_37x29.webp is not a simple lossy file")
	}
	copy(corruptWebP[23:26], "bad")
	for _, tc := range []struct {
		name string
		data []byte
		max  int
		want string
	}{
		{"empty", nil, 0, "empty file"},
		{"text", []byte("hello, this is not an image\n"), 0, "unknown image format"},
		{"bad magic", append([]byte("\x89PNX"), good[4:]...), 0, "unknown image format"},
		{"png truncated", good[:len(good)/2], 0, "truncated or corrupt PNG"},
		{"png header only", good[:20], 0, "corrupt PNG header"},
		{"png bad crc", badCRC, 0, "corrupt PNG header"},
		{"png bomb", pngHeaderOnly(100000, 100000), 0, "over the limit"},
		{"png zero size", pngHeaderOnly(0, 5), 0, "PNG"},
		{"png over caller limit", good, 100, "45x37 is 1665 pixels, over the limit of 100"},
		{"jpeg truncated", jpg[:len(jpg)/2], 0, "truncated or corrupt JPEG"},
		{"jpeg header only", jpg[:3], 0, "corrupt JPEG header"},
		{"jpeg bomb", jpegSOF(65000, 65000), 0, "over the limit"},
		{"gif no frames", gifHeader(4, 4, ';'), 0, "no image frame"},
		{"gif eof before frame", gifHeader(4, 4), 0, "no image frame"},
		{"gif screen bomb", gifHeader(65535, 65535, ';'), 0, "over the limit"},
		{"gif frame bomb", gifHeader(4, 4, ',', 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 2, 2, 0x4c, 1, 0, 0), 0, "over the limit"},
		{"gif truncated data", gifHeader(4, 4, ',', 0, 0, 0, 0, 4, 0, 4, 0, 0, 2, 2, 0x4c, 1), 0, "truncated or corrupt GIF image data"},
		{"gif bad code size", gifHeader(4, 4, ',', 0, 0, 0, 0, 4, 0, 4, 0, 0, 12, 0), 0, "LZW code size"},
		{"gif truncated header", []byte("GIF89a\x01"), 0, "truncated GIF header"},
		{"webp corrupt", corruptWebP, 0, "WebP"},
		{"webp truncated", webp[:len(webp)/2], 0, "WebP"},
		{"webp bomb", webpVP8X(16000, 16000), 0, "over the limit"},
		{"jpeg arithmetic", append(jpegSOF(8, 8)[:3:3], append([]byte{0xc9}, jpegSOF(8, 8)[4:]...)...), 0, "unsupported JPEG: arithmetic coding"},
		{"webp anim no frame", webpAnim(4, 4, nil), 0, "animated WebP has no frame"},
		{"webp anim frame outside", webpAnim(4, 4, []byte{0, 0, 0, 0, 0, 0, 7, 0, 0, 7, 0, 0, 0, 0, 0, 0}), 0, "outside the 4x4 canvas"},
		{"webp anim bomb", webpAnim(16000, 16000, nil), 0, "over the limit"},
		{"riff not webp", []byte("RIFF\x10\x00\x00\x00WAVEfmt "), 0, "unknown image format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeBytes(tc.data, "x/"+tc.name, tc.max)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "x/"+tc.name) {
				t.Errorf("error %q: want it to contain %q and the file name", msg, tc.want)
			}
		})
	}
}

// TestBombRefusedBeforeDecoding checks the limit is applied from the
// header: a 100000x100000 PNG must not allocate its 30 GB of pixels, nor
// anything close.
func TestBombRefusedBeforeDecoding(t *testing.T) {
	data := pngHeaderOnly(100000, 100000)
	// Without the limit (maxPixels < 0) image/png would allocate the whole
	// image at the first IDAT chunk: the process dies of out-of-memory.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := DecodeBytes(data, "bomb.png", 0)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "decompression bomb") {
		t.Fatalf("err = %v", err)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Errorf("refusing the bomb allocated %d bytes", d)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.png"), 0)
	if err == nil || !strings.Contains(err.Error(), "nope.png") {
		t.Fatalf("err = %v", err)
	}
	if !os.IsNotExist(errorsUnwrapAll(err)) {
		t.Errorf("err %v does not wrap a not-exist error", err)
	}
}

func errorsUnwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		data string
		want Format
	}{
		{"\x89PNG\r\n\x1a\nxxxx", FormatPNG},
		{"\xff\xd8\xff\xe0", FormatJPEG},
		{"GIF87a", FormatGIF},
		{"GIF89a", FormatGIF},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", FormatWebP},
		{"BM", FormatUnknown},
		{"", FormatUnknown},
	} {
		if got := Sniff([]byte(tc.data)); got != tc.want {
			t.Errorf("Sniff(%q) = %v, want %v", tc.data, got, tc.want)
		}
	}
}
