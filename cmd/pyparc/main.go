// Command pyparc makes sequential Python/NumPy programs faster: it profiles a real run, infers
// types and shapes, optimizes loop nests polyhedrally and emits a multi-versioned program.
package main

import (
	"context"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args, os.Stderr))
}
