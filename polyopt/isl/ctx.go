// Package isl is a cgo wrapper over the isl integer set library: sets and
// relations of integer tuples, dataflow analysis, the isl scheduler, schedule
// trees and AST generation.
//
// The package owns the lifetime of isl objects and the translation of isl
// errors and ASTs into Go values. It decides nothing: which dependences to
// compute, which schedule to keep or how to print code is the business of
// package polyopt.
//
// All objects are created from a Context. A Context and every object made
// from it must be used by one goroutine at a time; isl itself is not safe
// for concurrent use of one isl_ctx. Independent Contexts may be used in
// parallel.
//
// Every wrapper owns one isl reference. Operations never consume their
// receiver or arguments: they return new objects and the inputs stay valid.
// Call Free on each object when done with it; a runtime cleanup reclaims
// objects that are dropped without Free, but only at the next use of their
// Context after the garbage collector found them. Context.Live counts the
// objects not yet freed, and Context.Free refuses to release the isl_ctx
// while any remain, so tests can assert that nothing leaks.
//
// isl is linked statically (libisl.a and libgmp.a), so a binary using this
// package does not need isl or gmp installed where it runs.
package isl

/*
#cgo LDFLAGS: -l:libisl.a -l:libgmp.a
#include <stdlib.h>
#include <isl/ctx.h>
#include <isl/options.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"
)

// Context owns one isl_ctx, its options and its live-object count.
type Context struct {
	p       *C.isl_ctx
	live    [numKinds]int
	orphans *orphanQueue
}

// NewContext allocates an isl context whose errors are reported to Go
// instead of aborting the process.
func NewContext() (*Context, error) {
	p := C.isl_ctx_alloc()
	if p == nil {
		return nil, &Error{Op: "NewContext", Code: ErrAlloc, Msg: "isl_ctx_alloc failed"}
	}
	// isl's default is to print a warning and carry on; ABORT would kill the
	// process. CONTINUE keeps stderr quiet and leaves reporting to us.
	C.isl_options_set_on_error(p, C.ISL_ON_ERROR_CONTINUE)
	return &Context{p: p, orphans: &orphanQueue{}}, nil
}

// Live returns how many objects of this context have not been freed yet.
// Objects dropped without Free count until the garbage collector has found
// them and the context has been used again.
func (c *Context) Live() int {
	c.drain()
	n := 0
	for _, v := range c.live {
		n += v
	}
	return n
}

// Free releases the isl context. It fails, and keeps the context usable,
// if objects made from it are still alive: freeing the isl_ctx under them
// would leave dangling pointers. Calling Free again after a success does
// nothing.
func (c *Context) Free() error {
	if c.p == nil {
		return nil
	}
	c.drain()
	var leaked []string
	for k, v := range c.live {
		if v != 0 {
			leaked = append(leaked, fmt.Sprintf("%d %s", v, kind(k)))
		}
	}
	if len(leaked) > 0 {
		return &Error{Op: "Context.Free", Code: ErrInvalid,
			Msg: "objects still alive: " + strings.Join(leaked, ", ")}
	}
	C.isl_ctx_free(c.p)
	c.p = nil
	return nil
}

// ptr returns the isl_ctx, panicking after Free like the object wrappers.
func (c *Context) ptr() *C.isl_ctx {
	if c.p == nil {
		panic("isl: use of a freed Context")
	}
	return c.p
}

// ErrorCode is isl's classification of an error (enum isl_error).
type ErrorCode int

// The isl error classes. ErrInvalid is also used by this package for
// misuse it detects before calling isl (a band call on a non-band node).
const (
	ErrNone        ErrorCode = C.isl_error_none
	ErrAbort       ErrorCode = C.isl_error_abort
	ErrAlloc       ErrorCode = C.isl_error_alloc
	ErrUnknown     ErrorCode = C.isl_error_unknown
	ErrInternal    ErrorCode = C.isl_error_internal
	ErrInvalid     ErrorCode = C.isl_error_invalid
	ErrQuota       ErrorCode = C.isl_error_quota // max operations exceeded
	ErrUnsupported ErrorCode = C.isl_error_unsupported
)

func (e ErrorCode) String() string {
	switch e {
	case ErrNone:
		return "none"
	case ErrAbort:
		return "abort"
	case ErrAlloc:
		return "alloc"
	case ErrUnknown:
		return "unknown"
	case ErrInternal:
		return "internal"
	case ErrInvalid:
		return "invalid"
	case ErrQuota:
		return "quota"
	case ErrUnsupported:
		return "unsupported"
	}
	return fmt.Sprintf("ErrorCode(%d)", int(e))
}

// Error is an error reported by isl, or by this package about isl input.
type Error struct {
	Op   string    // the wrapper operation, such as "Set.Union"
	Code ErrorCode // isl's error class
	Msg  string    // isl's message, if any
	File string    // isl source file that raised it, if known
	Line int
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("isl: ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	if e.Msg != "" {
		b.WriteString(e.Msg)
	} else {
		b.WriteString(e.Code.String() + " error")
	}
	if e.File != "" {
		fmt.Fprintf(&b, " (%s:%d)", e.File, e.Line)
	}
	return b.String()
}

// lastError turns the error isl recorded in the context into a Go error
// and clears it, so that the next failure is not blamed on this one.
func (c *Context) lastError(op string) error {
	e := &Error{Op: op, Code: ErrorCode(C.isl_ctx_last_error(c.p))}
	if m := C.isl_ctx_last_error_msg(c.p); m != nil {
		e.Msg = C.GoString(m)
	}
	if f := C.isl_ctx_last_error_file(c.p); f != nil {
		e.File = C.GoString(f)
		e.Line = int(C.isl_ctx_last_error_line(c.p))
	}
	if e.Code == ErrNone && e.Msg == "" {
		// Some isl functions fail without recording why (for instance
		// the parser, which prints its complaint to stderr instead).
		e.Code = ErrUnknown
		e.Msg = "operation failed"
	}
	C.isl_ctx_reset_error(c.p)
	return e
}

// boolResult converts an isl_bool; isl_bool_error becomes a Go error.
func (c *Context) boolResult(b C.isl_bool, op string) (bool, error) {
	switch b {
	case C.isl_bool_true:
		return true, nil
	case C.isl_bool_false:
		return false, nil
	}
	return false, c.lastError(op)
}

// statResult converts an isl_stat.
func (c *Context) statResult(s C.isl_stat, op string) error {
	if s == C.isl_stat_ok {
		return nil
	}
	return c.lastError(op)
}

// goString converts and frees a string given by isl (__isl_give char *).
func goString(p *C.char) string {
	if p == nil {
		return ""
	}
	s := C.GoString(p)
	C.free(unsafe.Pointer(p))
	return s
}

// cString allocates a C copy of s; the caller frees it with C.free.
func cString(s string) *C.char { return C.CString(s) }

// SetMaxOperations bounds the work of each isl operation; an operation
// that exceeds it fails with ErrQuota. Zero means no bound. This keeps the
// scheduler from running for minutes on a hard problem.
func (c *Context) SetMaxOperations(n uint64) {
	C.isl_ctx_set_max_operations(c.ptr(), C.ulong(n))
}

// parseError is the error of a parse that gave nothing. isl's parser reports an operation
// bound reached in the middle of the text (SetMaxOperations) as a syntax error, which blames
// the text, and a bad text that runs out of the bound as ErrQuota, which hides it. Parsing
// the text again with parseRetryOps operations more tells them apart: a text that parses
// then was sound (ErrQuota: the caller's bound still stands), one that fails otherwise gives
// that error (a text that needs more to parse than the retry has is misjudged as isl would).
// reparse parses the same text and returns nil, or the error of its failure (freeing any
// result).
// parseRetryOps bounds parseError's second parse: a union map of 400 disjunctive pieces
// with strides (54,000 characters) parses in 1.3e6 operations.
const parseRetryOps = 10_000_000

func (c *Context) parseError(op string, reparse func() error) error {
	err := c.lastError(op)
	bound := C.isl_ctx_get_max_operations(c.ptr())
	if bound == 0 {
		return err
	}
	// The count goes on from about the bound.
	C.isl_ctx_set_max_operations(c.p, bound+parseRetryOps)
	again := reparse()
	C.isl_ctx_set_max_operations(c.p, bound)
	var e *Error
	switch {
	case again == nil:
		return &Error{Op: op, Code: ErrQuota, Msg: fmt.Sprintf("the bound of %d operations was reached while parsing", uint64(bound))}
	case errors.As(again, &e) && e.Code != ErrQuota:
		return again
	}
	return err
}

// ResetOperations restarts the operation count used by SetMaxOperations.
func (c *Context) ResetOperations() {
	C.isl_ctx_reset_operations(c.ptr())
}
