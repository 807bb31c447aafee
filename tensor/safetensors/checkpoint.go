package safetensors

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

// Open maps path read-only and validates it. Errors name the file.
func Open(path string) (*File, error) {
	data, unmap, err := mapFile(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	f, err := Parse(data)
	if err != nil {
		if unmap != nil {
			unmap()
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f.unmap = unmap
	return f, nil
}

// Checkpoint is a Hugging Face model folder: a single model.safetensors, or
// shards named by model.safetensors.index.json.
type Checkpoint struct {
	files []*File
	owner map[string]*File // tensor name -> the file that holds it
	names []string
}

// Single-file and sharded checkpoint names, as transformers writes them.
const (
	SingleFile = "model.safetensors"
	IndexFile  = "model.safetensors.index.json"
)

// OpenCheckpoint opens the checkpoint in dir. Like transformers it prefers
// model.safetensors and otherwise follows the index's weight_map; each shard
// is opened once, and every name the index lists must be in its shard.
func OpenCheckpoint(dir string) (*Checkpoint, error) {
	single := filepath.Join(dir, SingleFile)
	if _, err := os.Stat(single); err == nil {
		f, err := Open(single)
		if err != nil {
			return nil, err
		}
		c := &Checkpoint{files: []*File{f}, owner: map[string]*File{}, names: f.Names()}
		for _, n := range c.names {
			c.owner[n] = f
		}
		return c, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	indexPath := filepath.Join(dir, IndexFile)
	raw, err := os.ReadFile(indexPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("safetensors: %s has neither %s nor %s", dir, SingleFile, IndexFile)
	}
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	var index struct {
		WeightMap map[string]string `json:"weight_map"`
	}
	if err := json.Unmarshal(raw, &index); err != nil {
		return nil, fmt.Errorf("safetensors: %s: %v", indexPath, err)
	}
	if len(index.WeightMap) == 0 {
		return nil, fmt.Errorf("safetensors: %s: empty or missing weight_map", indexPath)
	}
	c := &Checkpoint{owner: map[string]*File{}}
	shards := map[string]*File{}
	// Open shards in a fixed order so errors are reproducible.
	for _, name := range sortedKeys(index.WeightMap) {
		shard := index.WeightMap[name]
		if !filepath.IsLocal(shard) {
			c.Close()
			return nil, fmt.Errorf("safetensors: %s: tensor %q: shard %q is outside the checkpoint folder",
				indexPath, name, shard)
		}
		f, ok := shards[shard]
		if !ok {
			if f, err = Open(filepath.Join(dir, shard)); err != nil {
				c.Close()
				return nil, err
			}
			shards[shard] = f
			c.files = append(c.files, f)
		}
		if _, ok := f.Tensor(name); !ok {
			c.Close()
			return nil, fmt.Errorf("safetensors: %s: tensor %q listed in the index is not in shard %s",
				indexPath, name, shard)
		}
		c.owner[name] = f
		c.names = append(c.names, name)
	}
	return c, nil
}

func sortedKeys(m map[string]string) []string {
	k := make([]string, 0, len(m))
	for n := range m {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}

// Names lists the checkpoint's tensor names, sorted.
func (c *Checkpoint) Names() []string { return slices.Clone(c.names) }

// Tensor returns the named tensor from whichever file holds it.
func (c *Checkpoint) Tensor(name string) (Info, bool) {
	f, ok := c.owner[name]
	if !ok {
		return Info{}, false
	}
	return f.Tensor(name)
}

// Close unmaps every file; tensors read from the checkpoint must not be
// used afterwards.
func (c *Checkpoint) Close() error {
	var errs []error
	for _, f := range c.files {
		errs = append(errs, f.Close())
	}
	c.files = nil
	return errors.Join(errs...)
}
