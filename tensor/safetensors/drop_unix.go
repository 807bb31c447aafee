//go:build unix

package safetensors

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Drop tells the kernel the tensor's mapped pages are no longer needed, so a
// converter streaming tensor by tensor keeps its resident memory near one
// tensor instead of growing to the whole checkpoint. Reading the tensor again
// afterwards still works (the pages come back from the file). Only whole
// pages inside the tensor are dropped, and only when the tensor is a view
// of a live file mapping (Open, OpenCheckpoint): an Info over heap memory
// (Parse of a buffer, or one built by hand) is left alone.
func (i Info) Drop() {
	if len(i.Data) == 0 {
		return
	}
	page := uintptr(os.Getpagesize())
	start := uintptr(unsafe.Pointer(&i.Data[0]))
	lo := (start + page - 1) &^ (page - 1)
	hi := (start + uintptr(len(i.Data))) &^ (page - 1)
	if hi <= lo || !inMapping(start, start+uintptr(len(i.Data))) {
		return
	}
	_ = unix.Madvise(i.Data[lo-start:hi-start], unix.MADV_DONTNEED)
}
