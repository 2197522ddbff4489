#!/usr/bin/env bash
# Stand-in for SD Web UI's webui.sh in the pool-node.sh tests: notes its start (and arguments) and its stop.
echo "webui started $*" >> "$FAKE_LOG"
touch "$FAKE_DIR/webui-started"
trap 'echo "webui stopped" >> "$FAKE_LOG"; exit 0' TERM
while true; do sleep 0.1; done
