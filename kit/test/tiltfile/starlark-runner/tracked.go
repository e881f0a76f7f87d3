package main

import (
	"fmt"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// read is one key the Tiltfile looked up in a file read_json or read_yaml returned.
type read struct {
	File string   `json:"file"`
	Path []string `json:"path"`
}

// trackedDict is a dict from a file that records every key looked up in it ([], get, in), so a
// test can compare the keys a Tiltfile reads with the file's schema. It reads like Tilt's dicts.
type trackedDict struct {
	dict *starlark.Dict
	file string
	path []string
	log  *[]read
}

var (
	_ starlark.Mapping    = (*trackedDict)(nil)
	_ starlark.HasAttrs   = (*trackedDict)(nil)
	_ starlark.Iterable   = (*trackedDict)(nil)
	_ starlark.Sequence   = (*trackedDict)(nil)
	_ starlark.Comparable = (*trackedDict)(nil)
)

func (t *trackedDict) String() string        { return t.dict.String() }
func (t *trackedDict) Type() string          { return "dict" }
func (t *trackedDict) Freeze()               { t.dict.Freeze() }
func (t *trackedDict) Truth() starlark.Bool  { return t.dict.Truth() }
func (t *trackedDict) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: dict") }
func (t *trackedDict) Len() int              { return t.dict.Len() }
func (t *trackedDict) Iterate() starlark.Iterator {
	return t.dict.Iterate()
}

func (t *trackedDict) CompareSameType(op syntax.Token, y starlark.Value, depth int) (bool, error) {
	return starlark.CompareDepth(op, t.dict, y.(*trackedDict).dict, depth)
}

func (t *trackedDict) note(key starlark.Value) {
	if s, ok := key.(starlark.String); ok {
		path := append(append([]string{}, t.path...), string(s))
		*t.log = append(*t.log, read{File: t.file, Path: path})
	}
}

// child wraps a nested dict so lookups in it are recorded under its path.
func (t *trackedDict) child(key starlark.Value, v starlark.Value) starlark.Value {
	s, ok := key.(starlark.String)
	if !ok {
		return v
	}
	path := append(append([]string{}, t.path...), string(s))
	switch x := v.(type) {
	case *starlark.Dict:
		return &trackedDict{dict: x, file: t.file, path: path, log: t.log}
	}
	return v
}

func (t *trackedDict) Get(key starlark.Value) (starlark.Value, bool, error) {
	t.note(key)
	v, found, err := t.dict.Get(key)
	if !found || err != nil {
		return v, found, err
	}
	return t.child(key, v), true, nil
}

func (t *trackedDict) AttrNames() []string { return []string{"get", "items", "keys", "values"} }

func (t *trackedDict) Attr(name string) (starlark.Value, error) {
	switch name {
	case "get":
		return starlark.NewBuiltin("get", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var key, def starlark.Value = nil, starlark.None
			if err := starlark.UnpackPositionalArgs("get", args, kwargs, 1, &key, &def); err != nil {
				return nil, err
			}
			v, found, err := t.Get(key)
			if err != nil || !found {
				return def, err
			}
			return v, nil
		}), nil
	case "keys", "values", "items":
		return starlark.NewBuiltin(name, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			if err := starlark.UnpackPositionalArgs(name, args, kwargs, 0); err != nil {
				return nil, err
			}
			out := []starlark.Value{}
			for _, item := range t.dict.Items() {
				value := t.child(item[0], item[1])
				switch name {
				case "keys":
					out = append(out, item[0])
				case "values":
					out = append(out, value)
				default:
					out = append(out, starlark.Tuple{item[0], value})
				}
			}
			return starlark.NewList(out), nil
		}), nil
	}
	return nil, nil
}
