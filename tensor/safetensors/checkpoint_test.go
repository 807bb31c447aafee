package safetensors

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "m.safetensors", build(t, nil,
		tensorSpec{name: "a", dtype: "F32", shape: []int64{2}, data: f32Bytes(1.5, -2)}))
	f, err := Open(filepath.Join(dir, "m.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := f.Tensor("a")
	got := make([]float32, 2)
	if err := a.Float32s(got); err != nil || got[0] != 1.5 || got[1] != -2 {
		t.Errorf("a = %v, %v", got, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	writeFile(t, dir, "empty.safetensors", nil)
	writeFile(t, dir, "bad.safetensors", build(t, nil,
		tensorSpec{name: "w", dtype: "F32", shape: []int64{3}, data: f32Bytes(1)}))
	for name, want := range map[string]string{
		"empty.safetensors":   "empty.safetensors: safetensors: file has 0 bytes",
		"bad.safetensors":     `bad.safetensors: safetensors: tensor "w": shape [3]`,
		"missing.safetensors": "no such file",
	} {
		if _, err := Open(filepath.Join(dir, name)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%s): %v, want %q", name, err, want)
		}
	}
}

// shardedDir writes two shards and an index mapping names to files.
func shardedDir(t *testing.T, weightMap map[string]string) string {
	dir := t.TempDir()
	writeFile(t, dir, "model-00001-of-00002.safetensors", build(t, nil,
		tensorSpec{name: "a", dtype: "F32", shape: []int64{1}, data: f32Bytes(1)},
		tensorSpec{name: "b", dtype: "BF16", shape: []int64{1}, data: []byte{0x00, 0x40}}))
	writeFile(t, dir, "model-00002-of-00002.safetensors", build(t, nil,
		tensorSpec{name: "c", dtype: "F16", shape: []int64{1}, data: []byte{0x00, 0x42}}))
	idx, _ := json.Marshal(map[string]any{"metadata": map[string]any{"total_size": 8}, "weight_map": weightMap})
	writeFile(t, dir, IndexFile, idx)
	return dir
}

func TestCheckpointSharded(t *testing.T) {
	dir := shardedDir(t, map[string]string{
		"a": "model-00001-of-00002.safetensors",
		"b": "model-00001-of-00002.safetensors",
		"c": "model-00002-of-00002.safetensors",
	})
	c, err := OpenCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.Names(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("Names = %v", got)
	}
	if len(c.files) != 2 {
		t.Errorf("opened %d files, want 2 (each shard once)", len(c.files))
	}
	want := map[string]float32{"a": 1, "b": 2, "c": 3}
	for name, w := range want {
		info, ok := c.Tensor(name)
		v := make([]float32, 1)
		if !ok || info.Float32s(v) != nil || v[0] != w {
			t.Errorf("%s = %v (found %v), want %v", name, v, ok, w)
		}
	}
	if _, ok := c.Tensor("zzz"); ok {
		t.Error("found a missing tensor")
	}
}

func TestCheckpointErrors(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T) string
		want  string
	}{
		{"empty folder", func(t *testing.T) string { return t.TempDir() }, "has neither model.safetensors nor"},
		{"bad index JSON", func(t *testing.T) string {
			d := t.TempDir()
			writeFile(t, d, IndexFile, []byte("{"))
			return d
		}, "model.safetensors.index.json: unexpected end"},
		{"no weight_map", func(t *testing.T) string {
			d := t.TempDir()
			writeFile(t, d, IndexFile, []byte(`{"metadata":{}}`))
			return d
		}, "empty or missing weight_map"},
		{"name missing in shard", func(t *testing.T) string {
			return shardedDir(t, map[string]string{"a": "model-00001-of-00002.safetensors", "z": "model-00002-of-00002.safetensors"})
		}, `tensor "z" listed in the index is not in shard model-00002-of-00002.safetensors`},
		{"shard outside folder", func(t *testing.T) string {
			return shardedDir(t, map[string]string{"a": "../model-00001-of-00002.safetensors"})
		}, `shard "../model-00001-of-00002.safetensors" is outside the checkpoint folder`},
		{"absolute shard", func(t *testing.T) string {
			return shardedDir(t, map[string]string{"a": "/etc/passwd"})
		}, "outside the checkpoint folder"},
		{"missing shard file", func(t *testing.T) string {
			return shardedDir(t, map[string]string{"a": "model-00003-of-00002.safetensors"})
		}, "model-00003-of-00002.safetensors: no such file"},
		{"corrupt single file", func(t *testing.T) string {
			d := t.TempDir()
			writeFile(t, d, SingleFile, []byte("12345678"))
			return d
		}, "model.safetensors: safetensors: header length"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ck, err := OpenCheckpoint(c.setup(t))
			if err == nil {
				ck.Close()
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want error containing %q", err, c.want)
			}
		})
	}
}

// TestCheckpointPrefersSingle: like transformers, model.safetensors wins
// over an index in the same folder.
func TestCheckpointPrefersSingle(t *testing.T) {
	dir := shardedDir(t, map[string]string{"a": "model-00001-of-00002.safetensors"})
	writeFile(t, dir, SingleFile, build(t, nil, tensorSpec{name: "only", dtype: "F32", shape: []int64{1}, data: f32Bytes(9)}))
	c, err := OpenCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.Names(); !slices.Equal(got, []string{"only"}) {
		t.Errorf("Names = %v", got)
	}
}
