package emit

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed runtime/pyparc_rt/*.py
var runtimeFS embed.FS

// WriteRuntime writes the pyparc_rt package into dir.
func WriteRuntime(dir string) error {
	return fs.WalkDir(runtimeFS, "runtime", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("runtime", path)
		out := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		b, err := runtimeFS.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
}
