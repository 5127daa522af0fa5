package isl

/*
#include <isl/set.h>
#include <isl/map.h>
#include <isl/union_set.h>
#include <isl/union_map.h>
#include <isl/flow.h>
#include <isl/schedule.h>
#include <isl/schedule_node.h>
#include <isl/ast_build.h>
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// This file is the one place where isl's reference counting meets Go.
//
// The rules, which every other file follows:
//
//   - Every exported wrapper (Set, Map, ...) holds exactly one isl reference,
//     in a *handle. The handle is the only thing that ever frees it.
//   - A wrapper method never gives its own pointer to an __isl_take argument;
//     it passes a fresh reference obtained with take() (isl_*_copy, which only
//     bumps a reference count). So the receiver stays valid whatever isl does.
//   - Every __isl_give result is wrapped at once by Context.wrap*, which checks
//     for NULL (turning it into a Go error) and registers the new handle.
//   - Builders (AccessInfo, ScheduleConstraints, ASTBuild) update their own
//     pointer in place with handle.replace, because isl's setters consume and
//     return the builder.
//   - Temporary isl objects that never reach the caller (isl_val, isl_point,
//     isl_ast_node, ...) are freed in the function that obtained them.
//
// A runtime cleanup is registered for every wrapper as a safety net. It does
// not free anything itself: it runs on another goroutine, and isl contexts
// are not thread safe. It only queues the handle; the owning goroutine frees
// queued handles the next time it creates an object, or in Context.Live and
// Context.Free.

// kind says which isl type a handle holds, so that the queue of orphaned
// handles knows which free function to call.
type kind uint8

const (
	kindSet kind = iota
	kindMap
	kindUnionSet
	kindUnionMap
	kindAccessInfo
	kindFlow
	kindScheduleConstraints
	kindSchedule
	kindScheduleNode
	kindASTBuild
	numKinds
)

func (k kind) String() string {
	switch k {
	case kindSet:
		return "Set"
	case kindMap:
		return "Map"
	case kindUnionSet:
		return "UnionSet"
	case kindUnionMap:
		return "UnionMap"
	case kindAccessInfo:
		return "AccessInfo"
	case kindFlow:
		return "Flow"
	case kindScheduleConstraints:
		return "ScheduleConstraints"
	case kindSchedule:
		return "Schedule"
	case kindScheduleNode:
		return "ScheduleNode"
	case kindASTBuild:
		return "ASTBuild"
	}
	return "unknown"
}

// freeC releases one isl reference of kind k.
func freeC(k kind, p unsafe.Pointer) {
	switch k {
	case kindSet:
		C.isl_set_free((*C.isl_set)(p))
	case kindMap:
		C.isl_map_free((*C.isl_map)(p))
	case kindUnionSet:
		C.isl_union_set_free((*C.isl_union_set)(p))
	case kindUnionMap:
		C.isl_union_map_free((*C.isl_union_map)(p))
	case kindAccessInfo:
		C.isl_union_access_info_free((*C.isl_union_access_info)(p))
	case kindFlow:
		C.isl_union_flow_free((*C.isl_union_flow)(p))
	case kindScheduleConstraints:
		C.isl_schedule_constraints_free((*C.isl_schedule_constraints)(p))
	case kindSchedule:
		C.isl_schedule_free((*C.isl_schedule)(p))
	case kindScheduleNode:
		C.isl_schedule_node_free((*C.isl_schedule_node)(p))
	case kindASTBuild:
		C.isl_ast_build_free((*C.isl_ast_build)(p))
	default:
		panic("isl: free of unknown kind")
	}
}

// handle owns one isl reference. It is a separate heap object from the
// wrapper so that the runtime cleanup of the wrapper can refer to it.
type handle struct {
	ctx     *Context
	p       unsafe.Pointer // nil once freed or consumed
	k       kind
	cleanup runtime.Cleanup
}

// track registers p, a fresh isl reference of kind k, as owned by owner and
// returns its handle. owner is the wrapper that will hold the handle.
func track[T any](c *Context, owner *T, k kind, p unsafe.Pointer) *handle {
	c.drain()
	h := &handle{ctx: c, p: p, k: k}
	c.live[k]++
	h.cleanup = runtime.AddCleanup(owner, c.orphans.push, h)
	return h
}

// ptr returns the isl pointer for a __isl_keep argument.
// Using a wrapper after Free is a programming error, hence the panic.
func (h *handle) ptr() unsafe.Pointer {
	if h == nil || h.p == nil {
		panic("isl: use of a freed or nil object")
	}
	return h.p
}

// free releases the reference; calling it again does nothing.
func (h *handle) free() {
	if h == nil || h.p == nil {
		return
	}
	h.cleanup.Stop()
	freeC(h.k, h.p)
	h.p = nil
	h.ctx.live[h.k]--
}

// replace installs the result of an isl function that consumed h.p.
// A nil result means isl failed and already freed the old object, so the
// handle becomes dead without another free.
func (h *handle) replace(p unsafe.Pointer) {
	if p == nil {
		h.cleanup.Stop()
		h.p = nil
		h.ctx.live[h.k]--
		return
	}
	h.p = p
}

// sameCtx panics if two wrappers belong to different contexts: isl would
// mix objects of two contexts silently, which is a programming error.
func sameCtx(a, b *handle) {
	if a.ctx != b.ctx {
		panic("isl: objects from different contexts")
	}
}

// orphanQueue receives handles whose wrappers were garbage collected
// without Free. It is the only state touched from the cleanup goroutine.
type orphanQueue struct {
	mu    sync.Mutex
	items []*handle
}

func (q *orphanQueue) push(h *handle) {
	q.mu.Lock()
	q.items = append(q.items, h)
	q.mu.Unlock()
}

func (q *orphanQueue) take() []*handle {
	q.mu.Lock()
	items := q.items
	q.items = nil
	q.mu.Unlock()
	return items
}

// drain frees the handles of collected wrappers. It runs on the goroutine
// that is using the context, so isl is never entered concurrently.
func (c *Context) drain() {
	for _, h := range c.orphans.take() {
		if h.p != nil {
			freeC(h.k, h.p)
			h.p = nil
			c.live[h.k]--
		}
	}
}
