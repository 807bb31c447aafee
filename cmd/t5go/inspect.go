package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/t5go/t5go/gguf"
)

func init() {
	register("inspect", "print a GGUF file's metadata and tensor table", runInspect)
}

func runInspect(args []string) error {
	fs := newFlags("inspect", "model.gguf [--json]")
	asJSON := fs.Bool("json", false, "print the tensor table as JSON with a SHA-256 of each tensor's bytes")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"want exactly one GGUF file"}
	}
	f, err := gguf.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	if *asJSON {
		return inspectJSON(f)
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "GGUF v%d, alignment %d, %d metadata keys, %d tensors\n\n", f.Version(), f.Alignment(), len(f.KVs()), len(f.Tensors()))
	for _, kv := range f.KVs() {
		fmt.Fprintf(w, "%s\t%s\n", kv.Key, short(kv.Value))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "name\ttype\tshape\tbytes")
	byType := map[string][2]int64{}
	var total int64
	for _, t := range f.Tensors() {
		fmt.Fprintf(w, "%s\t%s\t%v\t%d\n", t.Name, t.Type, t.Shape, t.Size)
		c := byType[t.Type.String()]
		c[0]++
		c[1] += int64(t.Size)
		byType[t.Type.String()] = c
		total += int64(t.Size)
	}
	fmt.Fprintln(w)
	types := make([]string, 0, len(byType))
	for k := range byType {
		types = append(types, k)
	}
	sort.Strings(types)
	for _, k := range types {
		fmt.Fprintf(w, "total %s\t%d tensors\t\t%d\n", k, byType[k][0], byType[k][1])
	}
	fmt.Fprintf(w, "total\t%d tensors\t\t%d (%.1f MiB)\n", len(f.Tensors()), total, float64(total)/(1<<20))
	return w.Flush()
}

// short formats a metadata value, eliding long arrays.
func short(v any) string {
	s := fmt.Sprint(v)
	if len(s) <= 100 {
		return s
	}
	n := ""
	switch a := v.(type) {
	case []string:
		n = fmt.Sprintf(" (%d strings)", len(a))
	case []float32:
		n = fmt.Sprintf(" (%d values)", len(a))
	case []int32:
		n = fmt.Sprintf(" (%d values)", len(a))
	}
	return strings.ToValidUTF8(s[:100], "?") + "…]" + n
}

// inspectJSON prints {name: {type, shape, bytes, sha256}}: the same record
// gguf/testdata/pyverify.py prints from the Python gguf package's reader, so
// the two can be diffed.
func inspectJSON(f *gguf.File) error {
	type rec struct {
		Type   string `json:"type"`
		Shape  []int  `json:"shape"`
		Bytes  uint64 `json:"bytes"`
		SHA256 string `json:"sha256"`
	}
	out := map[string]rec{}
	for _, ti := range f.Tensors() {
		t, err := f.Tensor(ti.Name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(t.Data)
		out[ti.Name] = rec{ti.Type.String(), ti.Shape, ti.Size, hex.EncodeToString(sum[:])}
	}
	e := json.NewEncoder(os.Stdout)
	e.SetIndent("", " ")
	return e.Encode(out)
}
