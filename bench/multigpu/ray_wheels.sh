#!/usr/bin/env bash
# Build .whl-ray/: a slimmed Ray wheel plus the Ray-core dependencies that the lent GPU machines
# (Python 3.12, x86-64, no network, no Ray) lack, small enough to travel in the device tool's
# `carry` (64 MiB for the whole working tree per call). See bench/multigpu/README.md.
#
#   bench/multigpu/ray_wheels.sh            # -> .whl-ray/*.whl
#
# Environment knobs (defaults in brackets):
#   RAY_VERSION   Ray version [pin in requirements.txt, else 2.60.0]
#   PY_VERSION    target CPython, major.minor [3.12]
#   OUT_DIR       output folder [<repo>/.whl-ray]
#   CACHE_DIR     where the original downloads are kept [~/.cache/pyparc/ray-wheels]
#   STRIP         1: drop the ELF symbol tables of Ray's binaries (strip --strip-unneeded) [1]
#   KEEP_LIBS     1: keep ray.data/train/tune/serve/rllib/llm (pure Python, ~4.5 MiB) [0]
#   DEP_PINS      versions of the dependencies fetched (space separated NAME==VERSION)
#   MAX_MIB       fail if the output folder is larger than this [40]
set -euo pipefail

ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$ROOT"

PY=${PYTHON:-python3}
PY_VERSION=${PY_VERSION:-3.12}
OUT_DIR=${OUT_DIR:-$ROOT/.whl-ray}
CACHE_DIR=${CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pyparc/ray-wheels}
STRIP=${STRIP:-1}
KEEP_LIBS=${KEEP_LIBS:-0}
MAX_MIB=${MAX_MIB:-40}

if [[ -z ${RAY_VERSION:-} ]]; then
    RAY_VERSION=$(sed -nE 's/^[[:space:]]*ray(\[[^]]*\])?[[:space:]]*==[[:space:]]*([0-9][^[:space:];#]*).*/\2/p' \
        requirements.txt 2>/dev/null | head -1)
    RAY_VERSION=${RAY_VERSION:-2.60.0}
fi

# Versions of the dependencies that get carried (those the GPU image lacks), pinned for a
# reproducible folder. A needed package missing here is fetched at its newest matching version
# and reported, so that it can be pinned.
DEP_PINS=${DEP_PINS:-"jsonschema==4.26.0 jsonschema-specifications==2025.9.1 referencing==0.37.0 rpds-py==0.30.0"}

# Python packages the GPU machines' image ('cuda') already has (KINDS.md, "Python packages already
# there", read 2026-11-17). Ray core's requirements found here are not carried.
GPU_HAS="absl-py accelerate aiofiles aiohappyeyeballs aiohttp aiosignal annotated-doc anyio attrs
botorch build certifi charset-normalizer chex click cloudpickle cmake colorama contourpy coverage
cuda-bindings cuda-core cuda-pathfinder cuda-toolkit cupy-cuda13x cycler cython diffrax e3nn einops
equinox etils execnet filelock flatbuffers flax fonttools formulaic frozenlist fsspec gpytorch grpcio
h11 h5py hf-xet httpcore httpx huggingface-hub humanize hypothesis idna imageio iniconfig
interface-meta jax jax-cuda13-pjrt jax-cuda13-plugin jaxlib jaxtyping jinja2 joblib kiwisolver
lazy-loader lightning lightning-utilities linear-operator lineax llvmlite lxml markdown
markdown-it-py markupsafe matplotlib mdurl meson ml-dtypes mpi4py mpmath msgpack multidict
multipledispatch mypy-extensions nanobind narwhals networkx ninja numba numba-cuda numpy numpyro
nvidia-ml-py onnx onnx-ir onnxruntime onnxscript opencv-python-headless optax opt-einsum
opt-einsum-fx optimistix orbax-checkpoint packaging pandas pathspec patsy peft pillow pip pluggy
portalocker prometheus-client propcache protobuf psutil pyarrow pybind11 py-cpuinfo pygments
pyparsing pyproject-hooks pyre-extensions pytest pytest-benchmark pytest-cov pytest-mock
pytest-timeout pytest-xdist python-dateutil pytorch-lightning pyyaml regex requests rich sacrebleu
safetensors scikit-build-core scikit-image scikit-learn scipy seaborn sentencepiece
sentence-transformers setuptools shellingham simplejson six sortedcontainers statsmodels sympy
tabulate tensorboard tensorboard-data-server tensorstore threadpoolctl tifffile tiktoken timm
tokenizers toolz torch torchaudio torchdiffeq torch-geometric torchmetrics torchvision tqdm
transformers treescope triton typer typing-extensions typing-inspect urllib3 uvloop wadler-lindig
werkzeug wheel wrapt xarray xxhash yarl zipp"

# pip download for the GPU machines: CPython $PY_VERSION, manylinux x86-64 (device README, Notes).
PLATFORMS=(--platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64
           --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64
           --platform manylinux1_x86_64)
for n in 24 31 34 35; do PLATFORMS+=(--platform "manylinux_2_${n}_x86_64"); done
pip_download() {  # REQUIREMENT DEST
    "$PY" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
        --python-version "$PY_VERSION" --implementation cp "${PLATFORMS[@]}" -d "$2" "$1"
}

DL=$CACHE_DIR/py$PY_VERSION
mkdir -p "$DL" "$OUT_DIR"
echo "== Ray $RAY_VERSION for CPython $PY_VERSION; downloads in $DL"
ls "$DL"/ray-"$RAY_VERSION"-*.whl >/dev/null 2>&1 || pip_download "ray==$RAY_VERSION" "$DL"
RAY_WHL=$(ls "$DL"/ray-"$RAY_VERSION"-*.whl | head -1)

# Resolve the requirements of `ray` (no extras), recursively, minus what the GPU image holds;
# download each missing one. Prints the wheel files to carry, one a line.
export PY_VERSION GPU_HAS DEP_PINS
DEPS=$("$PY" - "$RAY_WHL" "$DL" "${PLATFORMS[@]}" <<'EOF'
import os, re, subprocess, sys, zipfile, glob
try:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name
except ImportError:  # pip vendors packaging
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.specifiers import SpecifierSet
    from pip._vendor.packaging.utils import canonicalize_name

ray_whl, dl, platforms = sys.argv[1], sys.argv[2], sys.argv[3:]
pyv = os.environ["PY_VERSION"]
env = {"python_version": pyv, "python_full_version": pyv + ".3", "sys_platform": "linux",
       "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix",
       "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}
have = {canonicalize_name(n) for n in os.environ["GPU_HAS"].split()}
pins = {canonicalize_name(p.split("==")[0]): p.split("==")[1] for p in os.environ["DEP_PINS"].split()}

def requires(whl):
    with zipfile.ZipFile(whl) as z:
        meta = next(n for n in z.namelist()
                    if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        text = z.read(meta).decode()
    out = []
    for line in text.splitlines():
        if line.startswith("Requires-Dist:"):
            r = Requirement(line.split(":", 1)[1].strip())
            if r.marker is None or r.marker.evaluate(env):
                out.append(r)
    return out

def find(name, spec):
    stem = canonicalize_name(name).replace("-", "_")
    for f in sorted(glob.glob(os.path.join(dl, "*.whl"))):
        fname, fver = os.path.basename(f).split("-")[:2]
        if canonicalize_name(fname).replace("-", "_") == stem and spec.contains(fver, prereleases=True):
            return f
    return None

todo, seen, carried = [(None, r) for r in requires(ray_whl)], set(), []
while todo:
    parent, r = todo.pop(0)
    name = canonicalize_name(r.name)
    if name in seen:
        continue
    seen.add(name)
    if name in have:
        print(f"   skip {r} (on the GPU image)", file=sys.stderr)
        continue
    spec = r.specifier
    if name in pins:
        if not spec.contains(pins[name], prereleases=True):
            sys.exit(f"pin {name}=={pins[name]} does not satisfy {r}")
        want = f"{r.name}=={pins[name]}"
        spec = SpecifierSet(f"=={pins[name]}")
    else:
        want = str(Requirement(f"{r.name}{r.specifier}"))
        print(f"   WARNING: {name} is not pinned in DEP_PINS; fetching {want}", file=sys.stderr)
    f = find(r.name, spec)
    if f is None:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
                        "--no-deps", "--only-binary=:all:", "--python-version", pyv,
                        "--implementation", "cp", *platforms, "-d", dl, want], check=True,
                       stdout=sys.stderr)
        f = find(r.name, spec)
    print(f"   carry {os.path.basename(f)}  (for {r}{', needed by ' + parent if parent else ''})",
          file=sys.stderr)
    carried.append(f)
    todo += [(name, q) for q in requires(f)]
print("\n".join(carried))
EOF
)

# Only the wheels built now: two versions of one package would stop the install there.
rm -f "$OUT_DIR"/*.whl
for f in $DEPS; do cp "$f" "$OUT_DIR/"; done

# Repack Ray without what ray.init()'s local cluster, tasks/actors, ray.put/get and num_gpus don't use.
echo "== repacking $(basename "$RAY_WHL")"
STRIP=$STRIP KEEP_LIBS=$KEEP_LIBS "$PY" - "$RAY_WHL" "$OUT_DIR" <<'EOF'
import base64, hashlib, os, re, subprocess, sys, tempfile, zipfile
src, out_dir = sys.argv[1], sys.argv[2]
strip = os.environ["STRIP"] == "1"
drop = [
    "ray/jars/",                  # Java worker (ray_dist.jar, ~34 MB)
    "ray/dashboard/client/",      # dashboard web UI build (JS bundle, source map, fonts)
    "ray/cpp/",                   # C++ worker API headers/libs, where a wheel has them
]
if os.environ["KEEP_LIBS"] != "1":
    drop += [f"ray/{lib}/" for lib in ("rllib", "serve", "data", "train", "tune", "llm")]
libs_dropped = {p.split("/")[1] for p in drop if p.count("/") == 2}

def record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()

zin = zipfile.ZipFile(src)
dist_info = next(n.split("/")[0] for n in zin.namelist() if re.fullmatch(r"[^/]+\.dist-info/RECORD", n))
dst = os.path.join(out_dir, os.path.basename(src))
records, n_drop, b_drop, n_strip, b_strip = [], 0, 0, 0, 0
with zipfile.ZipFile(dst + ".part", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
    for info in zin.infolist():
        name = info.filename
        if name == f"{dist_info}/RECORD" or name.endswith("/"):
            continue
        if any(name.startswith(p) for p in drop):
            n_drop += 1; b_drop += info.file_size
            continue
        data = zin.read(info)
        if name == f"{dist_info}/entry_points.txt":   # console scripts of the dropped libraries
            data = "".join(l for l in data.decode().splitlines(True)
                           if not any(f"= ray.{lib}." in l for lib in libs_dropped)).encode()
        if strip and data[:4] == b"\x7fELF":
            with tempfile.NamedTemporaryFile(delete=False) as t:
                t.write(data)
            subprocess.run(["strip", "--strip-unneeded", t.name], check=True)
            with open(t.name, "rb") as t2:
                new = t2.read()
            os.unlink(t.name)
            n_strip += 1; b_strip += len(data) - len(new)
            data = new
        zi = zipfile.ZipInfo(name, date_time=info.date_time)   # keep times: reproducible output
        zi.external_attr = info.external_attr                  # keep modes: gcs_server, raylet are +x
        zi.create_system = info.create_system
        zi.compress_type = zipfile.ZIP_DEFLATED
        zout.writestr(zi, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        records.append(f"{name},{record_hash(data)},{len(data)}")
    rec = f"{dist_info}/RECORD"
    records.append(f"{rec},,")
    zi = zipfile.ZipInfo(rec, date_time=zin.getinfo(rec).date_time)
    zi.external_attr = zin.getinfo(rec).external_attr
    zout.writestr(zi, "\n".join(records) + "\n", compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
os.replace(dst + ".part", dst)
print(f"   dropped {n_drop} files ({b_drop/2**20:.1f} MiB unpacked); stripped {n_strip} ELF files "
      f"(-{b_strip/2**20:.1f} MiB); {os.path.getsize(src)/2**20:.1f} -> {os.path.getsize(dst)/2**20:.1f} MiB")
EOF

# Check every wheel: a readable zip whose RECORD lists every file with the right hash and size.
echo "== checking"
"$PY" - "$OUT_DIR"/*.whl <<'EOF'
import base64, hashlib, re, sys, zipfile
for whl in sys.argv[1:]:
    z = zipfile.ZipFile(whl)
    rec = next(n for n in z.namelist() if re.fullmatch(r"[^/]+\.dist-info/RECORD", n))
    rows = [l.rsplit(",", 2) for l in z.read(rec).decode().splitlines() if l]
    listed = {p for p, _, _ in rows}
    for path, h, size in rows:
        if path == rec:
            continue
        data = z.read(path)
        algo, digest = h.split("=", 1)
        got = base64.urlsafe_b64encode(hashlib.new(algo, data).digest()).rstrip(b"=").decode()
        assert got == digest and int(size) == len(data), f"{whl}: bad RECORD row for {path}"
    extra = {n for n in z.namelist() if not n.endswith("/")} - listed
    assert not extra, f"{whl}: files missing from RECORD: {sorted(extra)[:5]}"
    assert z.testzip() is None, whl
print(f"   {len(sys.argv) - 1} wheels: RECORD and CRCs are consistent")
EOF

# Ignore the output folder in this clone only (not .gitignore).
EXCLUDE=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$EXCLUDE")"
REL=/${OUT_DIR#"$ROOT"/}/
if [[ $OUT_DIR == "$ROOT"/* ]] && ! grep -qxF "$REL" "$EXCLUDE" 2>/dev/null; then
    echo "$REL" >>"$EXCLUDE"
fi

echo "== $OUT_DIR"
(cd "$OUT_DIR" && for f in *.whl; do
    printf '%10d  %s  %s\n' "$(stat -c%s "$f")" "$(sha256sum "$f" | cut -c1-16)" "$f"; done)
TOTAL=$(cat "$OUT_DIR"/*.whl | wc -c)
# The device tool sends tracked files and untracked ones that git does not ignore.
TREE=$(git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb | tail -1 | cut -f1)
awk -v w="$TOTAL" -v t="$TREE" 'BEGIN { m = 1048576; printf \
    "   wheels %.1f MiB + working tree %.1f MiB = %.1f MiB of the 64 MiB a device call carries\n", \
    w / m, t / m, (w + t) / m }'
if (( TOTAL > MAX_MIB * 1048576 )); then
    echo "ERROR: $OUT_DIR is over MAX_MIB=$MAX_MIB MiB" >&2
    exit 1
fi
