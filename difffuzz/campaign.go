package difffuzz

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ProfileSize is the size every program is profiled at: its extents (size + 4 + delta) are
// then all above 8, so the hints give every dimension a shape symbol, not a literal.
const ProfileSize = 6

// NewCase makes the case of one seed: the program, its two check sizes (one small, where
// loops may be empty, one larger), and whether the Numba variants run (every other seed).
func NewCase(seed uint64) (*Program, *Case, error) {
	p := Generate(seed)
	src, err := p.Source()
	if err != nil {
		return nil, nil, fmt.Errorf("seed %d: %w", seed, err)
	}
	r := rand.New(rand.NewPCG(seed, 7))
	c := &Case{Name: fmt.Sprintf("p%d", seed), Source: src, Seed: int(seed % 1000), Profile: ProfileSize,
		Sizes: []int{r.IntN(5), 7 + r.IntN(4)}, Numba: seed%2 == 0}
	return p, c, nil
}

// Options of a campaign.
type Options struct {
	First, N  uint64        // seeds First .. First+N-1
	Batch     int           // programs per Python process
	Parallel  int           // batches at once
	Shrink    time.Duration // time to shrink each failure; 0 skips shrinking
	RegressTo string        // directory for shrunk reproducers; empty writes none
}

// Summary counts what a campaign saw.
type Summary struct {
	Programs  int
	Invalid   int               // the original raised: generator bugs
	Optimized int               // emit optimized the kernel
	NumPyVar  int               // emitted programs with a NumPy variant
	NumbaVar  int               // emitted programs with a Numba variant
	Calls     int               // kernel calls in emitted programs
	Fast      int               // of those, calls whose guard admitted a variant
	RanNumba  int               // calls that ran the Numba variant
	RanNumPy  int               // calls that ran the NumPy variant
	RanInner  int               // calls that ran the numba_inner, numba_tiled, numba_sum or numba_overlap variant
	RanRay    int               // calls that ran the Ray variant's kernels in the harness's process
	RanOver   int               // calls that ran the numba_overlap variant (in RanInner too)
	Reasons   map[string]int    // why kernels were not optimized (or parts of them not), by count
	Example   map[string]string // a program showing each reason
	Failures  []*Result
	Invalids  []*Result
	Saved     []string // reproducers written
	Elapsed   time.Duration
}

func (s *Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d programs in %s: %d optimized (%d with a NumPy variant, %d with a Numba variant), %d invalid, %d failures\n",
		s.Programs, s.Elapsed.Round(time.Second), s.Optimized, s.NumPyVar, s.NumbaVar, s.Invalid, len(s.Failures))
	fmt.Fprintf(&b, "kernel calls: %d, %d admitted by the guard, %d ran the Numba variant, %d the NumPy variant, %d numba_inner, numba_tiled, numba_sum or numba_overlap (%d numba_overlap), %d the Ray variant (here)\n",
		s.Calls, s.Fast, s.RanNumba, s.RanNumPy, s.RanInner, s.RanOver, s.RanRay)
	var reasons []string
	for r := range s.Reasons {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool { return s.Reasons[reasons[i]] > s.Reasons[reasons[j]] })
	for i, r := range reasons {
		if i == 12 {
			break
		}
		fmt.Fprintf(&b, "  %4d  %s (%s)\n", s.Reasons[r], r, s.Example[r])
	}
	for _, f := range s.Failures {
		fmt.Fprintf(&b, "FAIL %s (numba=%v): %s: %s\n", f.Case.Name, f.Case.Numba, f.Status, firstLines(f.Detail, 6))
	}
	for _, f := range s.Invalids {
		fmt.Fprintf(&b, "INVALID %s: %s\n", f.Case.Name, firstLines(f.Detail, 3))
	}
	for _, p := range s.Saved {
		fmt.Fprintf(&b, "saved %s\n", p)
	}
	return b.String()
}

// Run runs a campaign: generate, check in batches (Numba and NumPy-only seeds apart, as the
// choice is made when the runtime is imported), shrink each failure, save reproducers.
func Run(ctx context.Context, cfg Config, opt Options) (*Summary, error) {
	start := time.Now()
	if opt.Batch <= 0 {
		opt.Batch = 25
	}
	if opt.Parallel <= 0 {
		opt.Parallel = 1
	}
	progs := map[string]*Program{}
	var batches [][]*Case
	var cur [2][]*Case
	for s := opt.First; s < opt.First+opt.N; s++ {
		p, c, err := NewCase(s)
		if err != nil {
			return nil, err
		}
		progs[c.Name] = p
		k := 0
		if c.Numba {
			k = 1
		}
		cur[k] = append(cur[k], c)
		if len(cur[k]) == opt.Batch {
			batches = append(batches, cur[k])
			cur[k] = nil
		}
	}
	for _, b := range cur {
		if len(b) > 0 {
			batches = append(batches, b)
		}
	}
	sum := &Summary{}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	sem := make(chan bool, opt.Parallel)
	for _, b := range batches {
		wg.Add(1)
		sem <- true
		go func(b []*Case) {
			defer wg.Done()
			defer func() { <-sem }()
			res, err := Check(ctx, cfg, b)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			sum.add(res)
			for _, r := range res {
				if r.Failed() || r.Status == Invalid {
					cfg.logf("%s %s (numba=%v): %s", r.Status, r.Case.Name, r.Case.Numba, firstLines(r.Detail, 4))
				}
			}
			cfg.logf("%d/%d programs, %d failures, %s", sum.Programs, opt.N, len(sum.Failures), time.Since(start).Round(time.Second))
		}(b)
	}
	wg.Wait()
	if firstErr != nil {
		return sum, firstErr
	}
	sort.Slice(sum.Failures, func(i, j int) bool { return sum.Failures[i].Case.Name < sum.Failures[j].Case.Name })
	if opt.Shrink > 0 {
		for _, f := range sum.Failures {
			small, res, err := Shrink(ctx, cfg, progs[f.Case.Name], f, opt.Shrink)
			if err != nil {
				return sum, err
			}
			if opt.RegressTo == "" {
				continue
			}
			path, err := SaveReproducer(opt.RegressTo, f.Case.Name, small, res)
			if err != nil {
				return sum, err
			}
			sum.Saved = append(sum.Saved, path)
		}
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

func (s *Summary) add(res []*Result) {
	for _, r := range res {
		s.Programs++
		switch {
		case r.Status == Invalid:
			s.Invalid++
			s.Invalids = append(s.Invalids, r)
		case r.Failed():
			s.Failures = append(s.Failures, r)
		}
		if r.Optimized {
			s.Optimized++
		}
		if s.Reasons == nil {
			s.Reasons, s.Example = map[string]int{}, map[string]string{}
		}
		for _, why := range reasonsOf(r.EmitNote) {
			s.Reasons[why]++
			s.Example[why] = r.Case.Name
		}
		if strings.Contains(r.Variants, "numpy") {
			s.NumPyVar++
		}
		if strings.Contains(r.Variants, "numba") {
			s.NumbaVar++
		}
		s.Calls += r.Calls
		s.Fast += r.Fast
		s.RanNumba += r.Numba
		s.RanNumPy += r.NumPy
		s.RanInner += r.Inner
		s.RanRay += r.Ray
		s.RanOver += r.Overlap
	}
}

// header is the first line of a reproducer: how to run it.
var header = regexp.MustCompile(`^# difffuzz: seed=(\d+) profile=(\d+) sizes=(\d+),(\d+) numba=(\d)`)

// SaveReproducer writes a shrunk failing program to dir/<status>_<name>.py, name being the
// program it was shrunk from, with a header that says how the regression test runs it.
func SaveReproducer(dir, name string, p *Program, r *Result) (string, error) {
	src, err := p.Source()
	if err != nil {
		return "", err
	}
	c := r.Case
	nb := 0
	if c.Numba {
		nb = 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# difffuzz: seed=%d profile=%d sizes=%d,%d numba=%d\n", c.Seed, c.Profile, c.Sizes[0], c.Sizes[1], nb)
	fmt.Fprintf(&b, "# found as %s: %s\n", r.Status, strings.ReplaceAll(firstLines(r.Detail, 1), "\n", " "))
	b.WriteString(src)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("%s_%s.py", strings.ReplaceAll(r.Status, "-", "_"), name))
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

// LoadReproducer reads a saved reproducer back as a case.
func LoadReproducer(path string) (*Case, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := header.FindStringSubmatch(string(b))
	if m == nil {
		return nil, fmt.Errorf("%s: no '# difffuzz:' header", path)
	}
	n := make([]int, 5)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	name := strings.TrimSuffix(filepath.Base(path), ".py")
	return &Case{Name: "r_" + name, Source: string(b), Seed: n[0], Profile: n[1], Sizes: []int{n[2], n[3]}, Numba: n[4] == 1}, nil
}

var position = regexp.MustCompile(`[\w./-]*\.py:\d+:\d+: ?`)

// reasonsOf splits emit's detail into the reasons parts were left alone, without positions.
func reasonsOf(note string) []string {
	if i := strings.Index(note, "; not: "); i >= 0 {
		note = note[i+len("; not: "):]
	} else if strings.HasPrefix(note, "numpy:") || strings.HasPrefix(note, "numba:") {
		return nil
	}
	var out []string
	for _, part := range strings.Split(note, "; ") {
		part = strings.TrimSpace(position.ReplaceAllString(part, ""))
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}
