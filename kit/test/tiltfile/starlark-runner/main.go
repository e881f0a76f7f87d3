// Command starlark-runner executes a Tiltfile with go.starlark.net, Tilt's Starlark dialect, and
// stands in for the Tilt built-ins the Tiltfile calls: each records its call (parameters named as
// Tilt names them; an unknown keyword is an error, as in Tilt) and returns what Tilt would hand back.
// Files are read relative to the Tiltfile's folder, as Tilt does. It prints one JSON document:
//
//	{"calls": [{"fn": "custom_build", "args": {"ref": ..., "command": ...}}, ...], "error": "..."}
//
// and exits 1 when the Tiltfile failed (fail(), a Starlark error, a bad call), else 0.
//
// Usage: starlark-runner [-context NAME] TILTFILE
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"
	"gopkg.in/yaml.v3"
)

// call is one recorded built-in call.
type call struct {
	Fn   string         `json:"fn"`
	Args map[string]any `json:"args"`
}

// result is what the runner prints.
type result struct {
	Calls []call  `json:"calls"`
	Reads []read  `json:"reads"`
	Error *string `json:"error"`
}

type recorder struct {
	calls   []call
	reads   []read
	context string
}

// builtin declares a Tilt built-in by its parameter names (Tilt's API reference) and what it returns.
func (r *recorder) builtin(name string, params []string, ret func(args map[string]any) (starlark.Value, error)) *starlark.Builtin {
	return starlark.NewBuiltin(name, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		named := map[string]any{}
		if len(args) > len(params) {
			return nil, fmt.Errorf("%s: got %d positional arguments, Tilt takes at most %d", name, len(args), len(params))
		}
		for i, a := range args {
			v, err := toGo(a)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", name, params[i], err)
			}
			named[params[i]] = v
		}
		for _, kv := range kwargs {
			key := string(kv[0].(starlark.String))
			if !contains(params, key) {
				return nil, fmt.Errorf("%s: unexpected keyword argument %q (Tilt's parameters: %v)", name, key, params)
			}
			if _, dup := named[key]; dup {
				return nil, fmt.Errorf("%s: got %q twice", name, key)
			}
			v, err := toGo(kv[1])
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", name, key, err)
			}
			named[key] = v
		}
		r.calls = append(r.calls, call{Fn: name, Args: named})
		if ret == nil {
			return starlark.None, nil
		}
		return ret(named)
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// toGo turns a Starlark value into JSON-ready Go data.
func toGo(v starlark.Value) (any, error) {
	switch x := v.(type) {
	case starlark.NoneType:
		return nil, nil
	case starlark.Bool:
		return bool(x), nil
	case starlark.Int:
		i, ok := x.Int64()
		if !ok {
			return nil, fmt.Errorf("integer %s out of range", x)
		}
		return i, nil
	case starlark.Float:
		return float64(x), nil
	case starlark.String:
		return string(x), nil
	case *starlark.List:
		out := []any{}
		for i := 0; i < x.Len(); i++ {
			e, err := toGo(x.Index(i))
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		return out, nil
	case starlark.Tuple:
		out := []any{}
		for _, e := range x {
			g, err := toGo(e)
			if err != nil {
				return nil, err
			}
			out = append(out, g)
		}
		return out, nil
	case *trackedDict:
		return toGo(x.dict)
	case *starlark.Dict:
		out := map[string]any{}
		for _, item := range x.Items() {
			k, ok := item[0].(starlark.String)
			if !ok {
				return nil, fmt.Errorf("dict key %s is not a string", item[0])
			}
			g, err := toGo(item[1])
			if err != nil {
				return nil, err
			}
			out[string(k)] = g
		}
		return out, nil
	case *starlarkstruct.Struct:
		out := map[string]any{}
		for _, name := range x.AttrNames() {
			attr, _ := x.Attr(name)
			g, err := toGo(attr)
			if err != nil {
				return nil, err
			}
			out[name] = g
		}
		return out, nil
	}
	return nil, fmt.Errorf("cannot record a %s", v.Type())
}

// toStarlark turns decoded JSON or YAML into Starlark values, as read_json and read_yaml do.
func toStarlark(v any) (starlark.Value, error) {
	switch x := v.(type) {
	case nil:
		return starlark.None, nil
	case bool:
		return starlark.Bool(x), nil
	case int:
		return starlark.MakeInt(x), nil
	case float64:
		if x == float64(int64(x)) {
			return starlark.MakeInt64(int64(x)), nil
		}
		return starlark.Float(x), nil
	case string:
		return starlark.String(x), nil
	case []any:
		out := make([]starlark.Value, 0, len(x))
		for _, e := range x {
			s, err := toStarlark(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return starlark.NewList(out), nil
	case map[string]any:
		d := starlark.NewDict(len(x))
		for k, e := range x {
			s, err := toStarlark(e)
			if err != nil {
				return nil, err
			}
			if err := d.SetKey(starlark.String(k), s); err != nil {
				return nil, err
			}
		}
		return d, nil
	}
	return nil, fmt.Errorf("cannot convert %T", v)
}

// readData implements read_json and read_yaml: the file's data (mappings in the file's order), or
// default when the file is absent. JSON is read as YAML, of which it is a subset.
func (r *recorder) readData(args map[string]any) (starlark.Value, error) {
	path, _ := args["path"].(string)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if def, ok := args["default"]; ok {
			return toStarlark(def)
		}
	}
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return starlark.None, nil
	}
	value, err := fromNode(doc.Content[0])
	if d, ok := value.(*starlark.Dict); ok {
		return &trackedDict{dict: d, file: path, path: []string{}, log: &r.reads}, err
	}
	return value, err
}

// fromNode turns a YAML node into Starlark values, keeping the order of mapping keys.
func fromNode(n *yaml.Node) (starlark.Value, error) {
	switch n.Kind {
	case yaml.AliasNode:
		return fromNode(n.Alias)
	case yaml.MappingNode:
		d := starlark.NewDict(len(n.Content) / 2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := fromNode(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			if err := d.SetKey(starlark.String(n.Content[i].Value), v); err != nil {
				return nil, err
			}
		}
		return d, nil
	case yaml.SequenceNode:
		out := make([]starlark.Value, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := fromNode(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return starlark.NewList(out), nil
	}
	var scalar any
	if err := n.Decode(&scalar); err != nil {
		return nil, err
	}
	return toStarlark(scalar)
}

func (r *recorder) predeclared() starlark.StringDict {
	none := func(map[string]any) (starlark.Value, error) { return starlark.None, nil }
	str := func(s string) func(map[string]any) (starlark.Value, error) {
		return func(map[string]any) (starlark.Value, error) { return starlark.String(s), nil }
	}
	osPath := starlarkstruct.FromStringDict(starlarkstruct.Default, starlark.StringDict{
		"exists": r.builtin("os.path.exists", []string{"path"}, func(a map[string]any) (starlark.Value, error) {
			_, err := os.Stat(a["path"].(string))
			return starlark.Bool(err == nil), nil
		}),
	})
	osModule := starlarkstruct.FromStringDict(starlarkstruct.Default, starlark.StringDict{
		"path":   osPath,
		"putenv": r.builtin("os.putenv", []string{"key", "value"}, none),
		"getenv": r.builtin("os.getenv", []string{"key", "default"}, func(a map[string]any) (starlark.Value, error) {
			if v, ok := os.LookupEnv(a["key"].(string)); ok {
				return starlark.String(v), nil
			}
			return toStarlark(a["default"])
		}),
	})
	return starlark.StringDict{
		"os": osModule,
		"fail": starlark.NewBuiltin("fail", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			msg := ""
			if len(args) > 0 {
				if s, ok := args[0].(starlark.String); ok {
					msg = string(s)
				} else {
					msg = args[0].String()
				}
			}
			return nil, errors.New(msg)
		}),
		"read_json": r.builtin("read_json", []string{"path", "default"}, func(a map[string]any) (starlark.Value, error) {
			return r.readData(a)
		}),
		"read_yaml": r.builtin("read_yaml", []string{"path", "default"}, func(a map[string]any) (starlark.Value, error) {
			return r.readData(a)
		}),
		"k8s_context":        r.builtin("k8s_context", []string{}, str(r.context)),
		"allow_k8s_contexts": r.builtin("allow_k8s_contexts", []string{"contexts"}, none),
		"custom_build": r.builtin("custom_build", []string{
			"ref", "command", "deps", "tag", "disable_push", "skips_local_docker", "live_update",
			"match_in_env_vars", "ignore", "entrypoint", "command_bat_val", "outputs_image_ref_to",
			"command_bat", "image_deps", "env", "dir",
		}, none),
		"docker_build": r.builtin("docker_build", []string{
			"ref", "context", "build_args", "dockerfile", "dockerfile_contents", "live_update",
			"match_in_env_vars", "ignore", "only", "entrypoint", "target", "ssh", "network", "secret",
			"extra_tag", "container_args", "cache_from", "pull", "platform", "env",
		}, none),
		"helm": r.builtin("helm", []string{
			"paths", "name", "namespace", "values", "set", "kube_version", "skip_crds",
		}, func(a map[string]any) (starlark.Value, error) {
			return starlark.String(fmt.Sprintf("# helm template %v", a["paths"])), nil
		}),
		"k8s_yaml": r.builtin("k8s_yaml", []string{"yaml", "allow_duplicates"}, none),
		"k8s_resource": r.builtin("k8s_resource", []string{
			"workload", "new_name", "port_forwards", "extra_pod_selectors", "trigger_mode",
			"resource_deps", "objects", "auto_init", "pod_readiness", "links", "labels", "discovery_strategy",
		}, none),
		"link": r.builtin("link", []string{"url", "name"}, func(a map[string]any) (starlark.Value, error) {
			url, _ := a["url"].(string)
			name, _ := a["name"].(string)
			return starlarkstruct.FromStringDict(starlark.String("link"), starlark.StringDict{
				"url": starlark.String(url), "name": starlark.String(name),
			}), nil
		}),
		"local": r.builtin("local", []string{"command", "quiet", "command_bat", "echo_off", "env", "dir", "stdin"}, str("")),
	}
}

func main() {
	context := flag.String("context", "", "the kube context k8s_context() returns")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: starlark-runner [-context NAME] TILTFILE")
		os.Exit(2)
	}
	tiltfile, err := filepath.Abs(flag.Arg(0))
	if err == nil {
		err = os.Chdir(filepath.Dir(tiltfile))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	r := &recorder{context: *context, calls: []call{}, reads: []read{}}
	// Tilt's dialect: top-level if/for, reassigned globals, sets, while and recursion.
	options := &syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true, Recursion: true}
	thread := &starlark.Thread{Name: "Tiltfile", Print: func(_ *starlark.Thread, msg string) { fmt.Fprintln(os.Stderr, msg) }}
	_, runErr := starlark.ExecFileOptions(options, thread, tiltfile, nil, r.predeclared())
	out := result{Calls: r.calls, Reads: r.reads}
	if runErr != nil {
		msg := runErr.Error()
		var evalErr *starlark.EvalError
		if errors.As(runErr, &evalErr) {
			msg = evalErr.Backtrace()
		}
		out.Error = &msg
	}
	encoded, _ := json.MarshalIndent(out, "", "  ")
	fmt.Println(string(encoded))
	if runErr != nil {
		os.Exit(1)
	}
}
