package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Value describes one observed Python value. The JSON form is shared by the tracer's stream,
// the database columns and `pyparc profile show --json`.
type Value struct {
	// Type is "ndarray", "int", "float", "complex", "bool", "str", "bytes", "None", "list",
	// "tuple", "dict", "npscalar" (a NumPy scalar such as np.float64) or "object".
	Type        string  `json:"type"`
	DType       string  `json:"dtype,omitempty"` // ndarray and npscalar
	Shape       []int64 `json:"shape,omitempty"` // ndarray; NDim is len(Shape)
	NDim        int     `json:"ndim,omitempty"`
	CContiguous bool    `json:"c_contiguous,omitempty"`
	FContiguous bool    `json:"f_contiguous,omitempty"`
	View        bool    `json:"view,omitempty"`  // ndarray whose memory belongs to another array
	Class       string  `json:"class,omitempty"` // object, or an ndarray subclass
	Min         *int64  `json:"min,omitempty"`   // int, npscalar int64: smallest seen in this signature
	Max         *int64  `json:"max,omitempty"`   // int, npscalar int64: largest seen
	Elem        []Value `json:"elem,omitempty"`  // list and long tuple: element types seen (sampled)
	Items       []Value `json:"items,omitempty"` // short tuple: the type at each position
	Key         []Value `json:"key,omitempty"`   // dict: key types seen (sampled)
	Val         []Value `json:"value,omitempty"` // dict: value types seen (sampled)
}

// Arg is one parameter of a call signature.
type Arg struct {
	Name  string `json:"name"`
	Value Value  `json:"value"`
}

// Return is one kind of value a signature returned, with how often.
type Return struct {
	Value Value `json:"value"`
	Count int64 `json:"count"`
}

// Signature is one distinct way a function was called: the argument types (with shapes) and,
// for ints, the range of values seen.
type Signature struct {
	Args    []Arg    `json:"args"`
	Returns []Return `json:"returns"`
	Calls   int64    `json:"count"`
}

// Function is what one run recorded about one function of the program.
type Function struct {
	ID         int64       `json:"-"`
	RunID      int64       `json:"run,omitempty"`
	QualName   string      `json:"qualname"`
	Module     string      `json:"module"`
	File       string      `json:"file"`
	FirstLine  int         `json:"line"`
	Calls      int64       `json:"calls"`
	TotalNS    int64       `json:"total_ns"`
	SelfNS     int64       `json:"self_ns"`
	Exceptions int64       `json:"exceptions"`
	Signatures []Signature `json:"signatures"`
}

// Frame is one level of a sampled stack.
type Frame struct {
	File     string
	Line     int
	Function string
}

// MarshalJSON writes a frame as the tracer does: [file, line, function].
func (f Frame) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{f.File, f.Line, f.Function})
}

// UnmarshalJSON reads [file, line, function].
func (f *Frame) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw) != 3 {
		return &json.UnmarshalTypeError{Value: string(b), Type: nil}
	}
	if err := json.Unmarshal(raw[0], &f.File); err != nil {
		return err
	}
	if err := json.Unmarshal(raw[1], &f.Line); err != nil {
		return err
	}
	return json.Unmarshal(raw[2], &f.Function)
}

// Stack is a sampled call stack of the program's own functions, innermost frame first, with
// the number of samples that hit it and the wall time they stand for.
type Stack struct {
	Frames  []Frame `json:"frames"`
	Samples int64   `json:"samples"`
	NS      int64   `json:"ns"`
}

// LineSample aggregates the samples whose innermost frame was one line.
type LineSample struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Function string `json:"function"`
	Samples  int64  `json:"samples"`
	NS       int64  `json:"ns"`
}

// Snapshot is the cumulative state of a running profile: it replaces the previous one.
type Snapshot struct {
	Functions []Function `json:"functions"`
	Stacks    []Stack    `json:"stacks"`
}

// Run is one profiled execution.
type Run struct {
	ID            int64         `json:"id"`
	Script        string        `json:"script"`
	Argv          []string      `json:"argv"`
	Cwd           string        `json:"cwd"`
	Python        string        `json:"python"`
	PythonVersion string        `json:"python_version"`
	NumpyVersion  string        `json:"numpy_version"`
	StartedAt     time.Time     `json:"started_at"`
	Duration      time.Duration `json:"duration_ns"`
	Finished      bool          `json:"finished"`
	ExitCode      int           `json:"exit_code"`
	ExitStatus    string        `json:"exit_status"`
	SamplePeriod  time.Duration `json:"sample_period_ns"`
}

// String renders a value compactly for people: "float64[60, 80] F view", "int 4..8",
// "list[float | int]".
func (v Value) String() string {
	var b strings.Builder
	switch v.Type {
	case "ndarray":
		b.WriteString(v.DType)
		b.WriteByte('[')
		for i, d := range v.Shape {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.FormatInt(d, 10))
		}
		b.WriteByte(']')
		switch {
		case v.CContiguous && v.FContiguous && len(v.Shape) > 1:
			b.WriteString(" CF")
		case v.FContiguous && !v.CContiguous:
			b.WriteString(" F")
		case !v.CContiguous && !v.FContiguous:
			b.WriteString(" strided")
		}
		if v.View {
			b.WriteString(" view")
		}
		if v.Class != "" {
			b.WriteString(" (" + v.Class + ")")
		}
	case "int", "npscalar":
		if v.Type == "int" {
			b.WriteString("int")
		} else {
			b.WriteString("np." + v.DType)
		}
		if v.Min != nil && v.Max != nil {
			if *v.Min == *v.Max {
				fmt.Fprintf(&b, " =%d", *v.Min)
			} else {
				fmt.Fprintf(&b, " %d..%d", *v.Min, *v.Max)
			}
		}
	case "list", "tuple":
		b.WriteString(v.Type)
		if v.Items != nil {
			parts := make([]string, len(v.Items))
			for i, it := range v.Items {
				parts[i] = it.String()
			}
			b.WriteString("[" + strings.Join(parts, ", ") + "]")
			break
		}
		if len(v.Elem) > 0 {
			b.WriteString("[" + joinValues(v.Elem) + "]")
		}
	case "dict":
		b.WriteString("dict")
		if len(v.Key) > 0 {
			b.WriteString("[" + joinValues(v.Key) + ", " + joinValues(v.Val) + "]")
		}
	case "object":
		b.WriteString(v.Class)
	default:
		b.WriteString(v.Type)
	}
	return b.String()
}

func joinValues(vs []Value) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	return strings.Join(parts, " | ")
}
