# Shared by run.sh and test.sh: a private runtime dir (Vulkan/lavapipe and GStreamer want
# XDG_RUNTIME_DIR) and the build parallelism.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/clinvid-runtime-$(id -u)}"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
JOBS="${JOBS:-$(nproc)}"
