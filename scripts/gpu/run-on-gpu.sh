#!/usr/bin/env bash
# Runs seq2seq from a bundle made by scripts/gpu/pack on a machine that has PyTorch (and an NVIDIA GPU) but no .NET,
# no NuGet and no network (see docs/gpu.md):
#   scripts/gpu/run-on-gpu.sh [OPTIONS] [--] SEQ2SEQ-ARGUMENTS...
#   scripts/gpu/run-on-gpu.sh train configs/multi30k_fr_en.yaml --device cuda
#   scripts/gpu/run-on-gpu.sh translate --model models/multi30k_fr_en --input data/multi30k/test_2016_flickr.fr --beam 5 --device cuda
# Once per machine (cached; see SEQ2SEQ_GPU_CACHE): unpacks the bundle's .NET runtime, and builds TorchSharp's native
# shim (libLibTorchSharp.so) from the bundle's TorchSharp source against this machine's libtorch, the one of python3's
# torch package. Every run puts that shim in place of the shipped one in the bundle's app/, sets DOTNET_ROOT and
# LD_LIBRARY_PATH (torch/lib and the nvidia/*/lib folders beside torch) and runs the CLI with the given arguments.
#
# Options:
#   --bundle DIR     the bundle (default: gpu-bundle/ in the repository)
#   --torch DIR      the torch package folder, holding lib/ and include/ (default: python3's, `import torch`)
#   --shipped-shim   no build: run the shim NuGet ships, which was linked against libtorch 2.10; with --libtorch
#   --libtorch DIR   the folder holding libtorch's libraries, for --shipped-shim (e.g. NuGet's libtorch-cpu-linux-x64
#                    2.10.0 runtimes/linux-x64/native): the CPU check of the bundle on a machine without a GPU
#   --rebuild-shim   build the shim again even when the cache holds one for this libtorch
#   --shim FILE      no build: run this shim, built earlier by this script against the same torch (e.g. brought back
#                    from an earlier machine: the cache lives only as long as the machine)
#   --jobs N         parallel compilations (default: the number of processors)
#   --setup-only     prepare everything, run nothing; print the path of a `seq2seq` wrapper script that runs the
#                    bundled CLI with this environment directly (for timing: no Python start, no checks)
# Environment: SEQ2SEQ_GPU_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/seq2seq-gpu), CXX (g++), CC (gcc), PYTHON (python3).
# Exit code: the CLI's; 1 with one "run-on-gpu: ..." line when the setup fails (build logs are named).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
bundle="$root/gpu-bundle"
torch_dir="" libtorch="" shim_mode=build rebuild=0 setup_only=0 prebuilt=""
jobs="$(nproc 2> /dev/null || echo 4)"
cache="${SEQ2SEQ_GPU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seq2seq-gpu}"
python="${PYTHON:-python3}"
CXX="${CXX:-g++}" CC="${CC:-gcc}"

die() { echo "run-on-gpu: $*" >&2; exit 1; }
say() { echo "run-on-gpu: $*" >&2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) bundle="${2:?--bundle needs a folder}"; shift 2 ;;
    --torch) torch_dir="${2:?--torch needs a folder}"; shift 2 ;;
    --libtorch) libtorch="${2:?--libtorch needs a folder}"; shift 2 ;;
    --shipped-shim) shim_mode=shipped; shift ;;
    --rebuild-shim) rebuild=1; shift ;;
    --shim) prebuilt="${2:?--shim needs a file}"; shim_mode=prebuilt; shift 2 ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
    --setup-only) setup_only=1; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ "$setup_only" = 1 ] || [ $# -gt 0 ] || die "no seq2seq arguments given (e.g. train CONFIG.yaml --device cuda; try --help)"
[ -f "$bundle/MANIFEST" ] && [ -f "$bundle/app/Seq2Seq.Cli.dll" ] || die "$bundle is not a bundle made by scripts/gpu/pack"
bundle="$(cd "$bundle" && pwd)"
if [ "$shim_mode" = shipped ]; then
  [ -n "$libtorch" ] || die "--shipped-shim needs --libtorch DIR (a libtorch 2.10 the shipped shim was linked against)"
  [ -n "$torch_dir" ] && die "--torch builds a shim; it does not go with --shipped-shim"
fi
[ -z "$libtorch" ] || [ "$shim_mode" = shipped ] || die "--libtorch goes with --shipped-shim (to build a shim, give --torch)"
[ "$shim_mode" != prebuilt ] || [ "$rebuild" = 0 ] || die "--shim and --rebuild-shim exclude each other"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
# One setup at a time per cache (two runs started together would build the same shim twice).
if command -v flock > /dev/null; then exec 9> "$cache/.lock"; flock 9; fi

sha() { sha256sum "$@" | cut -c1-16; }

# 1. The .NET runtime, unpacked once per tarball.
runtime_tar="$(ls "$bundle"/dotnet-runtime-*.tar.xz 2> /dev/null | head -n 1)"
[ -n "$runtime_tar" ] || die "$bundle holds no dotnet-runtime-*.tar.xz"
dotnet_root="$cache/dotnet-$(sha "$runtime_tar")"
if [ ! -x "$dotnet_root/dotnet" ]; then
  say "unpacking $(basename "$runtime_tar")"
  rm -rf "$dotnet_root.tmp" && mkdir -p "$dotnet_root.tmp"
  tar -xJf "$runtime_tar" -C "$dotnet_root.tmp" || die "cannot unpack $runtime_tar"
  mv "$dotnet_root.tmp" "$dotnet_root"
fi

# 2. libtorch and the shim.
# Applied to a fresh copy of TorchSharp's source before each build; never committed, only where libtorch's headers
# demand it. Each edit checks the headers first, so that it applies only to the libtorch that needs it.
patch_source() {  # $1: the LibTorchSharp source folder, $2: the torch folder
  local src="$1" torch="$2"
  # TorchSharp builds with -Werror; this build adds no -Werror, so new deprecations in the headers stay warnings.
  # No edit is known to be needed for libtorch 2.11 yet: add one here, guarded by a grep of "$torch/include", when
  # a file below fails. Files in OPTIONAL_SOURCES may fail: they are left out with a warning.
  : "$src" "$torch"
}
# The .cpp files of src/Native/LibTorchSharp/CMakeLists.txt (THSConvolution.cpp is not among them) and crc32c.c.
SOURCES=(cifar10.cpp crc32c.c THSActivation.cpp THSAutograd.cpp THSData.cpp THSExport.cpp THSFFT.cpp THSJIT.cpp
  THSLinearAlgebra.cpp THSLoss.cpp THSModule.cpp THSNN.cpp THSNormalization.cpp THSOptimizers.cpp THSRandom.cpp
  THSSpecial.cpp THSStorage.cpp THSTensor.cpp THSTensorConv.cpp THSTensorFactories.cpp THSTensorMath.cpp THSTorch.cpp
  THSVision.cpp Utils.cpp)
# What seq2seq never calls (datasets, TorchScript, torch.export, torchvision ops, FFT, special functions). TorchSharp
# binds native functions at their first call, so a shim without these runs everything else.
OPTIONAL_SOURCES=" cifar10.cpp THSData.cpp THSExport.cpp THSJIT.cpp THSVision.cpp THSFFT.cpp THSSpecial.cpp "

build_shim() {  # $1: torch folder, $2: build folder; writes $2/libLibTorchSharp.so last, once it passed the checks
  local torch="$1" dir="$2" src_tar abi std cuda_libs=() failed=() dropped=() f
  src_tar="$(ls "$bundle"/torchsharp-native-*.tar.gz 2> /dev/null | head -n 1)"
  rm -rf "$dir" && mkdir -p "$dir/obj" "$dir/logs"
  tar -xzf "$src_tar" -C "$dir"
  local src="$dir/src/Native/LibTorchSharp"
  [ -f "$src/THSTensor.cpp" ] || die "$src_tar holds no src/Native/LibTorchSharp"
  patch_source "$src" "$torch"
  abi="$torch_abi"
  local started=$SECONDS
  # C++17 as TorchSharp builds it, unless these headers want C++20: try Utils.cpp, the smallest file, first.
  compile() {  # $1: std, $2: file
    local f="$2" o="$dir/obj/${2%.*}.o"
    case "$f" in
      *.c) "$CC" -O2 -fPIC -fvisibility=hidden -DNDEBUG -c "$src/$f" -o "$o" ;;
      *) "$CXX" -O2 "-std=$1" -fPIC -fvisibility=hidden -fstack-protector-strong "-D_GLIBCXX_USE_CXX11_ABI=$abi" \
           -D__LINUX__ -DNDEBUG -D_NO_ASYNCRTIMP -D_NO_PPLXIMP -Wno-unused-local-typedefs -Wno-deprecated-declarations \
           -I"$torch/include" -I"$torch/include/torch/csrc/api/include" -c "$src/$f" -o "$o" ;;
    esac > "$dir/logs/$f.log" 2>&1
  }
  std=c++17
  if ! compile "$std" Utils.cpp; then
    std=c++20
    compile "$std" Utils.cpp || { head -n 30 "$dir/logs/Utils.cpp.log" >&2; die "Utils.cpp does not compile against $torch (log: $dir/logs/Utils.cpp.log)"; }
  fi
  say "compiling ${#SOURCES[@]} files of LibTorchSharp ($std, $jobs at a time) against $torch"
  export -f compile && export dir src torch abi CXX CC
  printf '%s\n' "${SOURCES[@]}" | grep -v -x Utils.cpp \
    | xargs -P "$jobs" -I{} bash -c 'compile "$0" "$1" || echo "$1" >> "$dir/failed"' "$std" {}
  if [ -f "$dir/failed" ]; then mapfile -t failed < "$dir/failed"; fi
  for f in "${failed[@]}"; do
    if [[ "$OPTIONAL_SOURCES" == *" $f "* ]]; then
      dropped+=("$f")
      say "warning: $f does not compile against this libtorch; left out (seq2seq does not use it; log: $dir/logs/$f.log)"
    else
      echo "---- $f, the first errors:" >&2
      grep -m 8 -A 3 'error' "$dir/logs/$f.log" >&2 || true
    fi
  done
  local fatal=()
  for f in "${failed[@]}"; do [[ "$OPTIONAL_SOURCES" == *" $f "* ]] || fatal+=("$f"); done
  [ ${#fatal[@]} -eq 0 ] || die "failed to compile against $torch: ${fatal[*]}; adapt patch_source() in $self (logs: $dir/logs)"
  [ -f "$torch/lib/libtorch_cuda.so" ] && cuda_libs=(-ltorch_cuda -lc10_cuda)
  local objects=()
  for f in "${SOURCES[@]}"; do
    [[ " ${dropped[*]} " == *" $f "* ]] || objects+=("$dir/obj/${f%.*}.o")
  done
  "$CXX" -shared -o "$dir/libLibTorchSharp.so.tmp" "${objects[@]}" -Wl,-Bsymbolic -Wl,-Bsymbolic-functions -Wl,--build-id=sha1 \
    -L"$torch/lib" -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10 "${cuda_libs[@]}" -Wl,--as-needed -Wl,-rpath,"$torch/lib" \
    > "$dir/logs/link.log" 2>&1 || { cat "$dir/logs/link.log" >&2; die "linking libLibTorchSharp.so failed"; }
  # Every symbol the shim needs must resolve against this libtorch (a dlopen would fail otherwise).
  local undefined
  undefined="$(LD_LIBRARY_PATH="$torch/lib:${LD_LIBRARY_PATH:-}" ldd -r "$dir/libLibTorchSharp.so.tmp" 2>&1 \
    | grep 'undefined symbol' | grep 'libLibTorchSharp' | head -n 5 || true)"
  [ -z "$undefined" ] || { echo "$undefined" >&2; die "the built shim has undefined symbols"; }
  # The functions the shipped shim exports that this one lacks: only those of the files left out.
  local missing=0
  if command -v nm > /dev/null; then
    missing="$(comm -23 <(nm -D --defined-only "$bundle/shipped/libLibTorchSharp.so" | awk '{print $3}' | grep -E '^THS' | sort -u) \
                        <(nm -D --defined-only "$dir/libLibTorchSharp.so.tmp" | awk '{print $3}' | grep -E '^THS' | sort -u) | wc -l)"
  fi
  {
    echo "torch: $torch ($torch_version), C++11 ABI $abi, $std, $("$CXX" --version | head -n 1)"
    echo "left out: ${dropped[*]:-none}; exported functions of the shipped shim missing: $missing"
    echo "build time: $((SECONDS - started)) s with $jobs jobs"
  } > "$dir/BUILD"
  mv "$dir/libLibTorchSharp.so.tmp" "$dir/libLibTorchSharp.so"
  say "built the shim in $((SECONDS - started)) s (left out: ${dropped[*]:-none}; shipped functions missing: $missing)"
}

lib_path=""
if [ "$shim_mode" = shipped ]; then
  libtorch="$(cd "$libtorch" && pwd)" || die "--libtorch: no such folder"
  [ -f "$libtorch/libtorch_cpu.so" ] || die "--libtorch $libtorch holds no libtorch_cpu.so"
  shim="$bundle/shipped/libLibTorchSharp.so"
  lib_path="$libtorch"
else
  if [ -z "$torch_dir" ]; then
    command -v "$python" > /dev/null || die "no $python to find torch with (give --torch DIR)"
    torch_dir="$("$python" -c 'import torch; print(torch.__path__[0])' 2> /dev/null)" \
      || die "$python cannot import torch (give --torch DIR, the folder of the torch package)"
  fi
  torch_dir="$(cd "$torch_dir" && pwd -P)" || die "--torch: no such folder"
  [ -f "$torch_dir/lib/libtorch_cpu.so" ] && [ -d "$torch_dir/include/ATen" ] \
    || die "$torch_dir is not a torch package folder with lib/libtorch_cpu.so and include/ATen"
  torch_version="$(sed -n "s/^__version__ = '\(.*\)'.*/\1/p" "$torch_dir/version.py" 2> /dev/null | head -n 1)"
  torch_version="${torch_version:-unknown}"
  # PyTorch's Linux wheels use the C++11 ABI since 2.7; ask the library rather than assume.
  torch_abi=1
  if command -v nm > /dev/null && [ "$(nm -D --defined-only "$torch_dir/lib/libc10.so" | grep -c '__cxx11')" = 0 ]; then torch_abi=0; fi
  if [ "$shim_mode" = prebuilt ]; then
    [ -f "$prebuilt" ] || die "--shim $prebuilt: no such file"
    shim="$(cd "$(dirname "$prebuilt")" && pwd)/$(basename "$prebuilt")"
    undefined="$(LD_LIBRARY_PATH="$torch_dir/lib:${LD_LIBRARY_PATH:-}" ldd -r "$shim" 2>&1 | grep 'undefined symbol' \
      | grep 'libLibTorchSharp' | head -n 3 || true)"
    [ -z "$undefined" ] || { echo "$undefined" >&2; die "--shim $prebuilt does not fit the libtorch in $torch_dir"; }
  else
    src_tar="$(ls "$bundle"/torchsharp-native-*.tar.gz 2> /dev/null | head -n 1)"
    [ -n "$src_tar" ] || die "$bundle holds no TorchSharp source (it was packed with --no-torchsharp-src); pack again with it"
    command -v "$CXX" > /dev/null || die "no C++ compiler ($CXX) to build the shim with"
    key="$( { sha256sum "$src_tar" "$self" | cut -c1-64; echo "$torch_dir $torch_version $torch_abi"; \
              stat -c %s "$torch_dir/lib/libtorch_cpu.so"; "$CXX" --version | head -n 1; } | sha)"
    build_dir="$cache/shim-$key"
    if [ "$rebuild" = 1 ] || [ ! -f "$build_dir/libLibTorchSharp.so" ]; then
      build_shim "$torch_dir" "$build_dir"
    fi
    shim="$build_dir/libLibTorchSharp.so"
  fi
  lib_path="$torch_dir/lib"
  # The CUDA libraries of pip's nvidia-* packages beside torch (libtorch_cuda finds them through its RUNPATH too).
  if [ -d "$torch_dir/../nvidia" ]; then
    while IFS= read -r d; do lib_path="$lib_path:$d"; done \
      < <(find "$torch_dir/../nvidia" -maxdepth 3 -type d -name lib | sort)
  fi
fi

# 3. The shim in place of the shipped one: the app folder wins over LD_LIBRARY_PATH in .NET's native library lookup.
app="$bundle/app"
if ! cmp -s "$shim" "$app/libLibTorchSharp.so"; then
  cp "$shim" "$app/libLibTorchSharp.so.tmp" && mv "$app/libLibTorchSharp.so.tmp" "$app/libLibTorchSharp.so"
fi

# 4. The environment, written into a wrapper that runs the CLI directly.
invariant=0
if ! { ldconfig -p 2> /dev/null | grep 'libicuuc\.so' > /dev/null; } && ! ls /usr/lib/*/libicuuc.so.* /usr/lib/libicuuc.so.* > /dev/null 2>&1; then
  invariant=1   # no ICU: .NET runs with invariant globalization instead of failing at start
fi
wrapper="$cache/seq2seq-$(printf '%s' "$bundle" | sha)"   # one per bundle
{
  echo '#!/usr/bin/env bash'
  echo "# Written by scripts/gpu/run-on-gpu.sh: runs the bundled seq2seq in $bundle."
  printf 'export DOTNET_ROOT=%q\n' "$dotnet_root"
  printf 'export LD_LIBRARY_PATH=%q"${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"\n' "$lib_path"
  # No NuGet folder: TorchSharp must not fall back to copying libtorch out of one (it would hide a shim that fails).
  printf 'export NUGET_PACKAGES=%q\n' "$cache/no-nuget-packages"
  echo 'export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1'
  [ "$invariant" = 0 ] || echo 'export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1'
  printf 'exec %q %q "$@"\n' "$dotnet_root/dotnet" "$app/Seq2Seq.Cli.dll"
} > "$wrapper.tmp"
chmod +x "$wrapper.tmp" && mv "$wrapper.tmp" "$wrapper"
if [ "$setup_only" = 1 ]; then echo "$wrapper"; exit 0; fi
exec 9>&-   # release the setup lock: the run itself needs none
exec "$wrapper" "$@"
