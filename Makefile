# SAM's makefile build method (template.yaml: Metadata BuildMethod: makefile) runs `make build-<LogicalId>`
# with ARTIFACTS_DIR set. All three functions run the same Native AOT `bootstrap`; Handler tells them apart.
#
# The bootstrap is built for ARCH (x86_64 or arm64, as the template's Architecture parameter), by default the
# machine's own: Native AOT links with the host toolchain, so arm64 builds on an arm64 machine or with a cross
# toolchain (docs/deploy.md).

ARCH ?= $(if $(filter aarch64 arm64,$(shell uname -m)),arm64,x86_64)
RID := $(if $(filter arm64,$(ARCH)),linux-arm64,linux-x64)
PUBLISH_DIR := $(CURDIR)/artifacts/lambda/$(RID)

.PHONY: bootstrap build-ApiFunction build-DispatcherFunction build-CallbackFunction lint

bootstrap:
	dotnet publish src/SdServerless.Lambda/SdServerless.Lambda.csproj -c Release -r $(RID) -o $(PUBLISH_DIR)

build-ApiFunction build-DispatcherFunction build-CallbackFunction: bootstrap
	cp $(PUBLISH_DIR)/bootstrap $(ARTIFACTS_DIR)/bootstrap
	chmod 755 $(ARTIFACTS_DIR)/bootstrap

lint:
	cfn-lint template.yaml
