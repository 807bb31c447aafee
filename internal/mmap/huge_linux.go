package mmap

import "golang.org/x/sys/unix"

// adviseHuge asks for 2 MiB page-table entries over a mapping: decoding
// reads every weight once per token, and with 4 KiB pages the walks add
// up. Linux grants them to file mappings whose page cache holds 2 MiB
// folios (ext4 from 6.16 on; here 428 MB of a 575 MB resident model).
// Advice only: where refused, nothing changes.
func adviseHuge(b []byte) { _ = unix.Madvise(b, unix.MADV_HUGEPAGE) }
