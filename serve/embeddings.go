package serve

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strings"

	"github.com/t5go/t5go"
)

// embeddingRequest is the body of POST /v1/embeddings.
type embeddingRequest struct {
	Model          string          `json:"model"`
	Input          json.RawMessage `json:"input"`
	EncodingFormat string          `json:"encoding_format"` // "float" (default) or "base64"
	Dimensions     *int            `json:"dimensions"`
	User           string          `json:"user"`
	Images         []string        `json:"images"`
}

// maxInputs bounds the texts embedded in one request.
const maxInputs = 64

type embedding struct {
	Object    string `json:"object"`
	Index     int    `json:"index"`
	Embedding any    `json:"embedding"` // []float32, or base64 of little-endian float32
}

// embeddings answers with the encoder's mean-pooled final hidden states, one
// vector per input. The inputs of a request run one after another in its slot.
func (s *Server) embeddings(w http.ResponseWriter, r *http.Request) {
	var er embeddingRequest
	if e := s.decodeBody(w, r, &er); e != nil {
		writeError(w, e)
		return
	}
	inputs, images, e := s.parseEmbedding(&er)
	if e != nil {
		writeError(w, e)
		return
	}
	ctx, done, ok := s.start(w, r)
	if !ok {
		return
	}
	defer done()
	data := make([]embedding, len(inputs))
	tokens := 0
	for i, in := range inputs {
		emb, err := s.m.Embed(ctx, in, images[i], t5go.PoolMean)
		if err != nil {
			s.embedFail(ctx, w, err, i, len(inputs))
			return
		}
		tokens += len(emb.Tokens)
		data[i] = embedding{Object: "embedding", Index: i, Embedding: emb.Vectors[0]}
		if er.EncodingFormat == "base64" {
			data[i].Embedding = float32Base64(emb.Vectors[0])
		}
	}
	s.met.embeddedTokens(tokens)
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data, "model": s.opt.Model,
		"usage": map[string]int{"prompt_tokens": tokens, "total_tokens": tokens}})
}

func (s *Server) parseEmbedding(er *embeddingRequest) ([]string, [][]t5go.Image, *apiError) {
	inputs, e := strings1("input", er.Input, maxInputs)
	if e != nil {
		return nil, nil, e
	}
	if len(inputs) == 0 {
		return nil, nil, badRequest("input", "input is required (a string or an array of strings)")
	}
	switch er.EncodingFormat {
	case "", "float", "base64":
	default:
		return nil, nil, badRequest("encoding_format", "encoding_format %q: want \"float\" or \"base64\"", er.EncodingFormat)
	}
	if h := s.m.Config().Hidden; er.Dimensions != nil && *er.Dimensions != h {
		return nil, nil, badRequest("dimensions", "dimensions %d: this model's embeddings have %d", *er.Dimensions, h)
	}
	images, e := s.images(er.Images)
	if e != nil {
		return nil, nil, e
	}
	per, e := splitImages("input", inputs, images)
	if e != nil {
		return nil, nil, e
	}
	for i, in := range inputs {
		if in == "" && len(per[i]) == 0 {
			return nil, nil, badRequest("input", "%s is empty", index("input", i, len(inputs)))
		}
	}
	return inputs, per, nil
}

// embedFail answers an Embed error: the library's errors are about the input
// (400), unless the context ended or the model was closed.
func (s *Server) embedFail(ctx context.Context, w http.ResponseWriter, err error, i, n int) {
	switch {
	case ctx.Err() != nil:
		s.cancelled(ctx, w, "")
	case errors.Is(err, t5go.ErrClosed):
		w.Header().Set("Retry-After", "5")
		writeError(w, &apiError{status: http.StatusServiceUnavailable, typ: "server_error", msg: "the model is closed: the server is shutting down"})
	default:
		writeError(w, badRequest("input", "%s: %s", index("input", i, n), strings.TrimPrefix(err.Error(), "t5go: ")))
	}
}

// float32Base64 is OpenAI's base64 encoding: little-endian float32 bytes.
func float32Base64(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}
