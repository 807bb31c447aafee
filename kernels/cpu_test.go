package kernels

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time. Benchmarks divide work by
// it as well as by wall time: other agents share this 2-core machine, and
// CPU time does not count the slices the scheduler gave to them.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRate reports work/s against wall time and against CPU time per
// thread (work / (cpu / threads)); unit names the work, e.g. "GOP".
func reportRate(b *testing.B, work float64, unit string, threads int, cpu0 time.Duration) {
	cpu := (cpuTime() - cpu0).Seconds()
	b.ReportMetric(work*float64(b.N)/b.Elapsed().Seconds(), unit+"/s")
	if cpu > 0 {
		b.ReportMetric(work*float64(b.N)/(cpu/float64(threads)), unit+"/cpu-s")
	}
}
