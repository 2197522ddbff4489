# SAM's makefile build method (template.yaml: Metadata BuildMethod: makefile) runs `make build-<LogicalId>`
# with ARTIFACTS_DIR set. All four functions run the same Native AOT `bootstrap`; Handler tells them apart.
#
# The bootstrap is built for ARCH (x86_64 or arm64, as the template's Architecture parameter), by default the
# machine's own: Native AOT links with the host toolchain, so arm64 builds on an arm64 machine or with a cross
# toolchain, passing its options in PUBLISH_FLAGS (docs/deploy.md).

ARCH ?= $(if $(filter aarch64 arm64,$(shell uname -m)),arm64,x86_64)
RID := $(if $(filter arm64,$(ARCH)),linux-arm64,linux-x64)
PUBLISH_DIR := $(CURDIR)/artifacts/lambda/$(RID)
PUBLISH_FLAGS ?=
# Amazon Linux 2023 ships glibc 2.34: the bootstrap may not need a newer symbol version.
MAX_GLIBC := 2.34

.PHONY: bootstrap check-glibc build-ApiFunction build-DispatcherFunction build-CallbackFunction build-CallbackReplayFunction build-PoolNodeScripts lint

bootstrap:
	dotnet publish src/SdServerless.Lambda/SdServerless.Lambda.csproj -c Release -r $(RID) -o $(PUBLISH_DIR) $(PUBLISH_FLAGS)

check-glibc: bootstrap
	@newest=$$(objdump -T $(PUBLISH_DIR)/bootstrap | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1); \
	if [ "$$(printf '%s\n%s\n' "$$newest" "$(MAX_GLIBC)" | sort -V | tail -1)" != "$(MAX_GLIBC)" ]; then \
		echo "bootstrap needs GLIBC_$$newest, newer than Amazon Linux 2023's $(MAX_GLIBC): build on an older distribution" >&2; exit 1; \
	fi; echo "bootstrap needs at most GLIBC_$$newest"

build-ApiFunction build-DispatcherFunction build-CallbackFunction build-CallbackReplayFunction: check-glibc
	cp $(PUBLISH_DIR)/bootstrap $(ARTIFACTS_DIR)/bootstrap
	chmod 755 $(ARTIFACTS_DIR)/bootstrap

# The GPU instances' boot scripts as a layer (template.yaml: PoolNodeScripts) that each instance downloads at boot,
# so that scripts/ stays their only copy.
build-PoolNodeScripts:
	cp scripts/pool-node.sh scripts/sdwebui-install.sh $(ARTIFACTS_DIR)/

lint:
	cfn-lint template.yaml
