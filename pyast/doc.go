// Package pyast owns the Python front end of pyparc: it parses whole Python 3
// modules with tree-sitter-python into a typed syntax tree whose nodes carry
// byte-offset spans into the source, prints trees back to Python source, and
// reports syntax errors as file:line:col diagnostics.
//
// It gives the tree no meaning: name resolution, types and loop analysis
// belong to later packages.
//
// The tree models the statements and expressions that NumPy programs use.
// Everything else (with, try, match, lambda, dict comprehensions and so on)
// is kept as an Opaque node holding its source text, so every valid module
// parses and prints back unchanged.
//
// Printing an unmodified tree reproduces the source byte for byte. After a
// tree is edited, the printer copies the source of every node that is still
// as the parser made it and prints the others from their fields, so later
// packages can build new statements in Go and print them as Python.
package pyast
