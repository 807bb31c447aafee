package t5go

import (
	"errors"
	"fmt"
)

// ErrInvalidRequest marks errors caused by the request itself (an empty or
// too long prompt, placeholders and images that do not match, a broken image,
// bad sampling values): errors.Is(err, ErrInvalidRequest) tells a caller such
// as an HTTP server to answer 400 rather than 500.
var ErrInvalidRequest = errors.New("t5go: invalid request")

// requestError is an input error; its message is the cause's alone.
type requestError struct{ err error }

func (e requestError) Error() string        { return e.err.Error() }
func (e requestError) Unwrap() error        { return e.err }
func (e requestError) Is(target error) bool { return target == ErrInvalidRequest }

// invalid wraps err (or formats a new message) as an input error.
func invalid(format string, args ...any) error {
	return requestError{fmt.Errorf(format, args...)}
}
