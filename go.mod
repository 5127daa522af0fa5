module github.com/pyparc/pyparc

go 1.26.8

require (
	github.com/google/pprof v0.0.0-20261105003125-4bf881d7fb0b
	github.com/mattn/go-sqlite3 v1.14.53
	github.com/tree-sitter/go-tree-sitter v0.25.0
	github.com/tree-sitter/tree-sitter-python v0.23.6
	github.com/urfave/cli/v3 v3.14.0
	gonum.org/v1/gonum v0.17.0
)

require (
	github.com/mattn/go-pointer v0.0.1 // indirect
	golang.org/x/tools v0.30.0 // indirect
)
