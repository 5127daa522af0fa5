package difffuzz

import (
	"regexp"
	"testing"

	"github.com/pyparc/pyparc/pyast"
)

// TestGenerateParses checks that generated programs are Python pyparc's front end accepts,
// and that they define the kernel and the driver.
func TestGenerateParses(t *testing.T) {
	for seed := uint64(0); seed < 2000; seed++ {
		src, err := Generate(seed).Source()
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		f, err := pyast.ParseFile("p.py", []byte(src))
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, src)
		}
		var names []string
		for _, s := range f.Module.Body {
			if d, ok := s.(*pyast.FunctionDef); ok {
				names = append(names, d.Name)
			}
		}
		if len(names) != 2 || names[0] != "kernel" || names[1] != "run" {
			t.Fatalf("seed %d: functions %v", seed, names)
		}
	}
}

// TestGenerateDeterministic checks that a seed always gives the same program, and that
// different seeds give different ones.
func TestGenerateDeterministic(t *testing.T) {
	seen := map[string]uint64{}
	for seed := uint64(0); seed < 200; seed++ {
		a, _ := Generate(seed).Source()
		b, _ := Generate(seed).Source()
		if a != b {
			t.Fatalf("seed %d gives two programs", seed)
		}
		if prev, ok := seen[a]; ok {
			t.Errorf("seeds %d and %d give the same program", prev, seed)
		}
		seen[a] = seed
	}
}

// TestGenerateCovers checks that the generator reaches every feature it promises, each in
// some program of the first few hundred seeds.
func TestGenerateCovers(t *testing.T) {
	features := []struct{ name, re string }{
		{"depth 4", `(?m)^                for l in range`},
		{"negative step", `, -1\):`},
		{"step 2", `, 2\):`},
		{"triangular bound", `range\(\w+ \+ \d, |range\(\d, [ijk]\)|range\(\d, [ijk] \+ 1\)`},
		{"offset subscript", `\[\w+ - 2[],]|\[\w+ \+ 2[],]`},
		{"reversed subscript", ` - 1 - [ijkl]\]`},
		{"if", `(?m)^ +if `},
		{"else", `(?m)^ +else:`},
		{"and/or", ` (and|or) `},
		{"chained comparison", `if \S+ [<>=!]+ \S+( [+-] \d)? [<>=!]+ `},
		{"not", `if not \(`},
		{"loop-carried update", `(\w)\[\w+, \w+\] = \w\[\w+ - 1, \w+ \+ 1\]|(\w)\[\w+\] = .*`},
		{"+=", ` \+= `},
		{"-=", ` -= `},
		{"*=", ` \*= 1\.0 \+`},
		{"spelled-out update", `(\w+\[[^]]+\]) = \w+\[[^]]+\] \+ `},
		{"scalar temporary", `t\d+ = `},
		{"scalar reduction", `s\d \+= `},
		{"accumulator", `(?s)a\d+ = 0\.0\n.*a\d+ \+= `},
		{"shared sums", `(?m)^    for i in range\(.*\n        for j in range\(.*\n            \w+\[[ij]\] (\+=|-=|=) \w+\[[ij], [ij]\] \*`},
		{"shared sums after a loop", `(?m)^    for k in range\(.*\n        \w+\[k\] = .*\n    for i in range\(.*\n        for j in range\(.*\n            \w+\[[ij]\] (\+=|-=|=) \w+\[[ij], [ij]\] \*`},
		{"row sums", `(?m)^        for j in range\(.*\n            (\w+)\[i\] (\+=|-=|=) (\w+\[i\] \+ )?\w+\[i, j\] \*.*\n            \w+\[i\] (\+=|-=|=) `},
		{"products", `(?m)^            for k in range\(0, .*\n                \w\[i, j\] \+= \S+ \* \(\w\[i, k\] \* \w\[[jk], [jk]\]\)$`},
		{"returned reduction", `return s\d`},
		{"np.sqrt(np.abs())", `np\.sqrt\(np\.abs\(`},
		{"math.exp", `math\.exp\(-abs\(`},
		{"min/max", `(min|max)\(`},
		{"float32", `astype\(np\.float32\)`},
		{"int64", `rng\.integers`},
		{"rank 3", `rng\.random\(\(\w+, \w+, \w+,\)\)`},
		{"shape bound", `\.shape\[\d\] - \d\)`},
		{"shape local", `(?m)^    \w = \w\.shape\[\d\]$`},
		{"padded size", `kernel\(.*\w - 4[,)]`},
		{"same array twice", `kernel\(.*\b(A, A|B, B|C, C|D, D|E, E|A, B, A|B, C, B)\b`},
		{"overlapping views", `V\w\[:-1\].*V\w\[1:\]`},
		{"strided view", `S\w\[::2\]`},
		{"several calls", `(?s)def kernel.*kernel\(.*kernel\(`},
		{"float32 scalar", `np\.float32\(0\.5\)`},
		{"complex128", `1j \* \(rng\.random`},
		{"complex literal", `(0\.5j|2j|\(1\+2j\)|\(0\.5-1j\)|-1j|\(0\.6\+0\.8j\))`},
		{".real", `\.real\b`},
		{".imag", `\.imag\b`},
		{"np.conj", `np\.conj\(`},
		{".conj()", `\.conj\(\)`},
		{"complex sum", `s\d = \d\.\d\+0j`},
		{"raise check", `(?m)^ +raise (ValueError|RuntimeError)\("\w+"\)$`},
		{"exception kept", `out\["e\d"\] = np\.asarray\(type\(e\)\.__name__\)`},
	}
	count := make([]int, len(features))
	res := make([]*regexp.Regexp, len(features))
	for i, f := range features {
		res[i] = regexp.MustCompile(f.re)
	}
	unbound := 0
	for seed := uint64(0); seed < 500; seed++ {
		p := Generate(seed)
		if p.Unbound {
			unbound++
		}
		src, _ := p.Source()
		for i, re := range res {
			if re.MatchString(src) {
				count[i]++
			}
		}
	}
	if unbound == 0 {
		t.Errorf("no program of seeds 0..499 reads a temporary it may leave unbound")
	}
	t.Logf("%-22s %3d of 500", "unbound read", unbound)
	for i, f := range features {
		if count[i] == 0 {
			t.Errorf("no program of seeds 0..499 has %s", f.name)
		}
		t.Logf("%-22s %3d of 500", f.name, count[i])
	}
}
