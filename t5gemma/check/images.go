package check

import (
	"context"

	"github.com/t5go/t5go/t5gemma"
)

// imageFeatures returns the soft tokens of the case's images, or nil for
// text-only cases. The vision path is compared here once it exists.
func imageFeatures(ctx context.Context, m *t5gemma.Model, g golden, r *Report) ([][]float32, error) {
	return nil, nil
}
