"""What the check_*.py scripts share: loading an original or an emitted module by path."""
import importlib.util
import os
import sys


def load(path, key, on_path=False):
    """Imports the file at path as module key. on_path puts its folder first on sys.path
    too, for what the module imports beside it (an emitted module's pyparc_rt)."""
    if on_path:
        sys.path.insert(0, os.path.dirname(path))
    spec = importlib.util.spec_from_file_location(key, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[key] = mod
    spec.loader.exec_module(mod)
    return mod
