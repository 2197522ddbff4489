#!/usr/bin/env bash
# Installs AUTOMATIC1111's Stable Diffusion Web UI at a tag, with Python 3.10 and all its Python dependencies, so that
# its first start only loads a checkpoint. Runs as root on a GPU instance: at first boot of a stock AMI (the
# stack's user data) or while baking an AMI (scripts/bake-ami.sh).
#
# Ubuntu 22.04 (the stack's default AMI) has Python 3.10 as python3. Amazon Linux 2023 has no Python 3.10 package:
# there a standalone CPython 3.10 is installed with uv. webui.sh uses the interpreter named in webui-user.sh.
set -euo pipefail

tag=v1.10.1
dir=/opt/stable-diffusion-webui
user=sdwebui
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    *) echo "usage: sdwebui-install.sh [--tag v1.10.1] [--dir /opt/stable-diffusion-webui] [--user sdwebui]" >&2; exit 2 ;;
  esac
done

log() { echo "sdwebui-install: $*" >&2; }

if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -y
  # libgl1 and libglib2.0-0: OpenCV (imported by SD Web UI) needs libGL.so.1 and libgthread.
  apt-get install -y git python3.10 python3.10-venv libgl1 libglib2.0-0 libtcmalloc-minimal4
  python=/usr/bin/python3.10
elif command -v dnf >/dev/null 2>&1; then
  dnf install -y git mesa-libGL glib2 tar gzip
  export UV_INSTALL_DIR=/usr/local/bin UV_PYTHON_INSTALL_DIR=/opt/python
  command -v uv >/dev/null 2>&1 || curl -LsSf https://astral.sh/uv/install.sh | sh
  uv python install 3.10
  python=$(uv python find 3.10)
else
  log "no apt-get or dnf: install git, Python 3.10 (with venv) and libGL yourself"
  exit 1
fi
"$python" -c 'import sys, venv; assert sys.version_info[:2] == (3, 10), sys.version' || { log "$python is not Python 3.10"; exit 1; }

id -u "$user" >/dev/null 2>&1 || useradd --system --create-home --shell /bin/bash "$user"
if [ ! -d "$dir/.git" ]; then
  git clone --depth 1 --branch "$tag" https://github.com/AUTOMATIC1111/stable-diffusion-webui.git "$dir"
fi

# webui.sh reads webui-user.sh: pin the interpreter, and take Stable Diffusion's repository from the fork SD Web UI
# itself now points to (Stability-AI's original repository is no longer public; v1.10.1 still names it).
cat >> "$dir/webui-user.sh" <<EOF

# Added by sdwebui-install.sh
python_cmd="$python"
export STABLE_DIFFUSION_REPO="https://github.com/w-e-w/stablediffusion.git"
EOF
chown -R "$user" "$dir"

# Creates the venv, installs torch and every requirement, clones SD Web UI's repositories, then exits (--exit).
log "installing SD Web UI's Python dependencies (several minutes)"
runuser -u "$user" -- bash -c "cd '$dir' && ./webui.sh --exit --skip-torch-cuda-test --no-download-sd-model"
log "SD Web UI $tag installed in $dir"
