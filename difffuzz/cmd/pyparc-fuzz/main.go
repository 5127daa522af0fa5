// Command pyparc-fuzz runs a differential fuzzing campaign of pyparc: it generates programs,
// profiles and emits each, compares original and emitted outputs, shrinks every failure and
// writes the reproducers where the regression test (go test ./difffuzz -run TestRegress)
// finds them.
//
//	go run ./difffuzz/cmd/pyparc-fuzz -n 10000
//	go run ./difffuzz/cmd/pyparc-fuzz -print 1155    # the program of one seed
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"time"

	"github.com/pyparc/pyparc/difffuzz"
)

func main() {
	n := flag.Uint64("n", 1000, "programs to generate")
	first := flag.Uint64("first", 1, "first seed")
	batch := flag.Int("batch", 25, "programs per Python process")
	parallel := flag.Int("parallel", 2, "batches at once")
	shrink := flag.Duration("shrink", 5*time.Minute, "time to shrink each failure (0: do not shrink)")
	save := flag.String("save", "difffuzz/testdata/regress", "directory for reproducers (empty: none)")
	python := flag.String("python", "", "Python interpreter (default python3)")
	keep := flag.Bool("keep", false, "keep the temporary directories")
	show := flag.Int64("print", -1, "print the program of this seed and exit")
	flag.Parse()
	if *show >= 0 {
		_, c, err := difffuzz.NewCase(uint64(*show))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("# sizes %v, input seed %d, numba %v\n%s", c.Sizes, c.Seed, c.Numba, c.Source)
		return
	}
	log.SetFlags(0)
	log.SetPrefix("pyparc-fuzz: ")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg := difffuzz.Config{Python: *python, Keep: *keep, Log: log.Printf}
	sum, err := difffuzz.Run(ctx, cfg, difffuzz.Options{First: *first, N: *n, Batch: *batch,
		Parallel: *parallel, Shrink: *shrink, RegressTo: *save})
	if sum != nil {
		fmt.Print(sum)
	}
	if err != nil {
		log.Fatal(err)
	}
	if len(sum.Failures) > 0 || sum.Invalid > 0 {
		os.Exit(1)
	}
}
