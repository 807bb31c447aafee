// Package testcase unpacks the oracle's golden cases (checkpoint folders with
// transformers' reference outputs) for tests.
package testcase

import (
	"archive/tar"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/t5go/t5go/tensor/safetensors"
)

// Dir is the folder holding the cases' NAME.tar.gz files.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "t5gemma", "check", "testdata")
}

// Unpack extracts case NAME into a temporary folder and returns its path.
func Unpack(t testing.TB, name string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(Dir(), name+".tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(h.Name, "..") {
			t.Fatalf("bad path %q in archive", h.Name)
		}
		p := filepath.Join(dir, h.Name)
		if h.Typeflag == tar.TypeDir {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, tr); err != nil {
			t.Fatal(err)
		}
		out.Close()
	}
	return filepath.Join(dir, name)
}

// Ints reads a 2-D int64 golden tensor as rows of int32.
func Ints(t testing.TB, caseDir, name string) [][]int32 {
	t.Helper()
	f, err := safetensors.Open(filepath.Join(caseDir, "golden.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, ok := f.Tensor(name)
	if !ok || info.DType != "I64" || len(info.Shape) != 2 {
		t.Fatalf("golden: no 2-D int64 tensor %q", name)
	}
	rows := make([][]int32, info.Shape[0])
	for r := range rows {
		for c := range info.Shape[1] {
			rows[r] = append(rows[r], int32(binary.LittleEndian.Uint64(info.Data[8*(r*info.Shape[1]+c):])))
		}
	}
	return rows
}
