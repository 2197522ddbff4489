#!/usr/bin/env bash
# Puts one SD Web UI server into a runtime's GPU pool (the DynamoDB registry described in docs/pool.md):
#   1. syncs the checkpoints from --model-location into --model-dir (when given),
#   2. starts SD Web UI with the command after `--` (when given; otherwise SD Web UI runs elsewhere, e.g. an EKS
#      sidecar or a server started by hand),
#   3. waits until SD Web UI answers GET /sdapi/v1/sd-models and the checkpoints are on disk,
#   4. writes the server entry (put-item), refreshes its heartbeat every --heartbeat-seconds (update-item),
#   5. removes the entry (delete-item) on SIGTERM, SIGINT or exit, then stops SD Web UI.
# With --lifecycle-hook, it also honours the Auto Scaling termination hook: when the instance is chosen for
# termination it leaves the pool, waits until no lease on it is live, and completes the lifecycle action.
#
# Needs bash, curl, python3 and the AWS CLI. Every option may also come from the environment variable named after it.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: pool-node.sh --table NAME --runtime NAME [options] [-- SD-WEB-UI-COMMAND...]
  --table NAME              pool registry table (SDSERVERLESS_POOL_TABLE)
  --runtime NAME            runtime the server serves (SDSERVERLESS_RUNTIME)
  --url URL                 URL dispatchers call (SDSERVERLESS_NODE_URL; default http://<private IPv4>:7861 from EC2)
  --local-url URL           where this script reaches SD Web UI (SDSERVERLESS_LOCAL_URL; default http://127.0.0.1:7861)
  --region REGION           AWS region (AWS_REGION / AWS_DEFAULT_REGION; default the instance's)
  --gpus N                  generations the server runs at once (SDSERVERLESS_GPUS; default 1)
  --model-dir DIR           checkpoint folder; the server joins once it holds a checkpoint (SDSERVERLESS_MODEL_DIR)
  --model-location S3URI    s3://bucket/prefix/ synced into --model-dir first (SDSERVERLESS_MODEL_LOCATION)
  --instance-id ID          EC2 instance id (SDSERVERLESS_INSTANCE_ID; default the instance's, none off EC2)
  --auto-scaling-group NAME and --lifecycle-hook NAME: drain on the group's termination hook
  --heartbeat-seconds N     default 15
  --ready-timeout-seconds N give up when SD Web UI does not answer in time (default 3600)
  --api-auth-secret ARN     SD Web UI runs with --api-auth: the Secrets Manager secret holding its "user:password"
                            (SDSERVERLESS_API_AUTH_SECRET); or give the credentials themselves in SDSERVERLESS_API_AUTH
                            (never on the command line, where every process could read them)
EOF
}

table=${SDSERVERLESS_POOL_TABLE:-}
runtime=${SDSERVERLESS_RUNTIME:-}
url=${SDSERVERLESS_NODE_URL:-}
local_url=${SDSERVERLESS_LOCAL_URL:-http://127.0.0.1:7861}
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
gpus=${SDSERVERLESS_GPUS:-1}
model_dir=${SDSERVERLESS_MODEL_DIR:-}
model_location=${SDSERVERLESS_MODEL_LOCATION:-}
instance_id=${SDSERVERLESS_INSTANCE_ID:-}
asg=${SDSERVERLESS_AUTO_SCALING_GROUP:-}
hook=${SDSERVERLESS_LIFECYCLE_HOOK:-}
heartbeat_seconds=${SDSERVERLESS_HEARTBEAT_SECONDS:-15}
ready_timeout=${SDSERVERLESS_READY_TIMEOUT_SECONDS:-3600}
api_auth_secret=${SDSERVERLESS_API_AUTH_SECRET:-}
api_auth=${SDSERVERLESS_API_AUTH:-}
command=()

while [ $# -gt 0 ]; do
  case "$1" in
    --table) table=$2; shift 2 ;;
    --runtime) runtime=$2; shift 2 ;;
    --url) url=$2; shift 2 ;;
    --local-url) local_url=$2; shift 2 ;;
    --region) region=$2; shift 2 ;;
    --gpus) gpus=$2; shift 2 ;;
    --model-dir) model_dir=$2; shift 2 ;;
    --model-location) model_location=$2; shift 2 ;;
    --instance-id) instance_id=$2; shift 2 ;;
    --auto-scaling-group) asg=$2; shift 2 ;;
    --lifecycle-hook) hook=$2; shift 2 ;;
    --heartbeat-seconds) heartbeat_seconds=$2; shift 2 ;;
    --ready-timeout-seconds) ready_timeout=$2; shift 2 ;;
    --api-auth-secret) api_auth_secret=$2; shift 2 ;;
    --) shift; command=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "pool-node: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

log() { echo "pool-node: $*" >&2; }
fail() { log "$*"; exit 1; }

[ -n "$table" ] || fail "--table is required"
[ -n "$runtime" ] || fail "--runtime is required"
[[ "$gpus" =~ ^[1-9][0-9]*$ ]] || fail "--gpus must be a positive whole number (got '$gpus')"
if [ -n "$model_location" ] && [ -z "$model_dir" ]; then fail "--model-location needs --model-dir"; fi
if [ -n "$hook" ] && [ -z "$asg" ]; then fail "--lifecycle-hook needs --auto-scaling-group"; fi

# EC2 instance metadata (IMDSv2); empty off EC2.
imds() {
  local token
  token=$(curl -fsS -m 2 -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' 2>/dev/null) || return 0
  curl -fsS -m 2 -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/$1" 2>/dev/null || true
}

[ -n "$region" ] || region=$(imds meta-data/placement/region)
[ -n "$region" ] || fail "no region: give --region or AWS_REGION"
[ -n "$instance_id" ] || instance_id=$(imds meta-data/instance-id)
if [ -z "$url" ]; then
  ip=$(imds meta-data/local-ipv4)
  [ -n "$ip" ] || fail "no --url and no EC2 private address to derive it from"
  url="http://$ip:7861"
fi
if [ -n "$hook" ] && [ -z "$instance_id" ]; then fail "--lifecycle-hook needs an EC2 instance id"; fi

aws_() { aws --region "$region" --output json "$@"; }

# SD Web UI's --api-auth credentials, from Secrets Manager when a secret is named.
if [ -n "$api_auth_secret" ]; then
  api_auth=$(aws_ secretsmanager get-secret-value --secret-id "$api_auth_secret" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin).get("SecretString") or "")') \
    || fail "could not read the secret $api_auth_secret"
fi
if [ -n "$api_auth" ] && [[ "$api_auth" != ?*:* ]]; then fail "the SD Web UI credentials must be \"user:password\""; fi

# curl to SD Web UI; credentials go through a config on a pipe, not the command line.
sd_curl() {
  if [ -z "$api_auth" ]; then curl "$@"; return; fi
  local quoted=${api_auth//\\/\\\\}
  quoted=${quoted//\"/\\\"}
  curl --config <(printf 'user = "%s"\n' "$quoted") "$@"
}
key_json() { printf '{"runtime":{"S":"%s"},"sk":{"S":"server#%s"}}' "$runtime" "$url"; }

child=""
registered=0
stopping=0

deregister() {
  if [ "$registered" = 1 ]; then
    aws_ dynamodb delete-item --table-name "$table" --key "$(key_json)" >/dev/null || log "deregistration failed; the entry goes stale in 60 s"
    registered=0
    log "left the pool of $runtime ($url)"
  fi
}

stop_child() {
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    # Its whole process group: webui.sh runs SD Web UI's Python as a child of its own.
    kill -TERM -- "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  child=""
}

on_exit() {
  local status=$?
  trap - EXIT TERM INT
  deregister
  stop_child
  exit "$status"
}
on_signal() { stopping=1; exit 0; }
trap on_exit EXIT
trap on_signal TERM INT

# 1. Checkpoints first, so SD Web UI lists them when it starts.
if [ -n "$model_location" ]; then
  mkdir -p "$model_dir"
  log "syncing checkpoints from $model_location into $model_dir"
  aws_ s3 sync "$model_location" "$model_dir" --no-progress --exclude '*' \
    --include '*.safetensors' --include '*.ckpt' --include '*.yaml' --include '*.vae.pt' >&2
fi

# 2. SD Web UI itself, as a child in a process group of its own that stops with this script.
if [ ${#command[@]} -gt 0 ]; then
  log "starting ${command[0]}"
  setsid "${command[@]}" &
  child=$!
fi

has_checkpoint() {
  [ -z "$model_dir" ] && return 0
  find "$model_dir" -type f \( -name '*.safetensors' -o -name '*.ckpt' \) -print -quit 2>/dev/null | grep -q .
}

child_alive() { [ -z "$child" ] || kill -0 "$child" 2>/dev/null; }

# 3. Wait until SD Web UI answers and the checkpoints are there.
deadline=$(( $(date +%s) + ready_timeout ))
models_json=""
until models_json=$(sd_curl -fsS -m 10 "$local_url/sdapi/v1/sd-models" 2>/dev/null) && has_checkpoint; do
  child_alive || fail "SD Web UI exited before it answered"
  [ "$(date +%s)" -lt "$deadline" ] || fail "SD Web UI did not answer at $local_url within $ready_timeout s"
  sleep 2
done
if [ "$models_json" = "[]" ] && [ -n "$model_dir" ]; then
  # The checkpoints arrived after SD Web UI started (e.g. a sidecar filled the folder): make it list them.
  sd_curl -fsS -m 600 -X POST "$local_url/sdapi/v1/refresh-checkpoints" >/dev/null || true
  models_json=$(sd_curl -fsS -m 10 "$local_url/sdapi/v1/sd-models")
fi
options_json=$(sd_curl -fsS -m 10 "$local_url/sdapi/v1/options" 2>/dev/null || echo '{}')

# The server entry of docs/pool.md, built by python3 so that names and URLs are quoted correctly.
server_item() {
  MODELS_JSON="$models_json" OPTIONS_JSON="$options_json" python3 - "$runtime" "$url" "$gpus" "$instance_id" <<'PY'
import json, os, sys, time
runtime, url, gpus, instance_id = sys.argv[1:5]
now = int(time.time())
models = [m.get("title") or m.get("model_name") for m in json.loads(os.environ["MODELS_JSON"] or "[]")]
options = json.loads(os.environ["OPTIONS_JSON"] or "{}")
item = {
    "runtime": {"S": runtime},
    "sk": {"S": "server#" + url},
    "url": {"S": url},
    "gpus": {"N": str(int(gpus))},
    "models": {"L": [{"S": m} for m in models if m]},
    "option_keys": {"L": [{"S": k} for k in sorted(options)]},
    "registered_at": {"N": str(now)},
    "heartbeat_at": {"N": str(now)},
    "expires_at": {"N": str(now + 600)},
}
loaded = options.get("sd_model_checkpoint")
if isinstance(loaded, str) and loaded:
    item["loaded_model"] = {"S": loaded}
if instance_id:
    item["instance_id"] = {"S": instance_id}
print(json.dumps(item))
PY
}

# 4. Join, then heartbeat.
register() {
  if ! aws_ dynamodb put-item --table-name "$table" --item "$(server_item)" >/dev/null; then
    log "registration failed; trying again in $heartbeat_seconds s"
    return 1
  fi
  registered=1
  log "joined the pool of $runtime as $url ($gpus GPU)"
}

heartbeat() {
  local now error
  now=$(date +%s)
  if error=$(aws_ dynamodb update-item --table-name "$table" --key "$(key_json)" \
      --update-expression 'SET heartbeat_at = :now, expires_at = :expires' \
      --condition-expression 'attribute_exists(sk)' \
      --expression-attribute-values "{\":now\":{\"N\":\"$now\"},\":expires\":{\"N\":\"$((now + 600))\"}}" 2>&1 >/dev/null); then
    return 0
  fi
  if grep -q ConditionalCheckFailed <<<"$error"; then
    log "the entry was gone (removed or expired): joining again"
    register || true
  else
    log "heartbeat failed: $error"
  fi
}

# Live leases on this server's slots; "unknown" when the registry cannot be read (the drain then keeps waiting).
live_leases() {
  local now_ms answer
  now_ms=$(( $(date +%s) * 1000 ))
  if ! answer=$(aws_ dynamodb query --table-name "$table" --select COUNT --consistent-read \
      --key-condition-expression 'runtime = :runtime AND begins_with(sk, :leases)' \
      --filter-expression 'lease_expires_at > :now' \
      --expression-attribute-values "{\":runtime\":{\"S\":\"$runtime\"},\":leases\":{\"S\":\"lease#$url#\"},\":now\":{\"N\":\"$now_ms\"}}"); then
    echo unknown
    return
  fi
  python3 -c 'import json, sys; print(json.load(sys.stdin).get("Count", 0))' <<<"$answer"
}

terminating() { [ -n "$hook" ] && [ "$(imds meta-data/autoscaling/target-lifecycle-state)" = Terminated ]; }

wait_for_shutdown() {
  while [ "$stopping" = 0 ]; do
    sleep "$heartbeat_seconds" &
    wait $! || true
  done
}

# Termination hook: leave the pool so no new work comes, let leased work finish, then let the instance go.
drain() {
  log "chosen for termination: leaving the pool and waiting for leased work"
  deregister
  # A dispatcher that read the entry just before it went may still take a lease: look only after a moment.
  sleep "$heartbeat_seconds"
  local count tries=0
  while count=$(live_leases) && [ "$count" != 0 ]; do
    log "$count lease(s) still live"
    sleep "$heartbeat_seconds"
  done
  # Never fatal: exiting would let the service restart and join again. Past the hook's timeout the instance goes anyway.
  until aws_ autoscaling complete-lifecycle-action --auto-scaling-group-name "$asg" --lifecycle-hook-name "$hook" \
      --instance-id "$instance_id" --lifecycle-action-result CONTINUE >/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -ge 5 ]; then
      log "could not complete the lifecycle action; the hook's timeout lets the instance go"
      return 0
    fi
    sleep "$heartbeat_seconds"
  done
  log "lifecycle action completed"
}

# A server already chosen for termination (the service restarted meanwhile) never joins again.
if terminating; then
  drain
  wait_for_shutdown
fi
until register; do
  sleep "$heartbeat_seconds" &
  wait $! || true
done
while [ "$stopping" = 0 ]; do
  sleep "$heartbeat_seconds" &
  wait $! || true
  [ "$stopping" = 0 ] || break
  child_alive || fail "SD Web UI exited"
  if terminating; then
    drain
    # Nothing more to do but wait for the shutdown that follows.
    wait_for_shutdown
    break
  fi
  if [ "$registered" = 1 ]; then heartbeat; else register || true; fi
done
