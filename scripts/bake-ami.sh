#!/usr/bin/env bash
# Bakes an AMI with SD Web UI and its Python dependencies installed (scripts/sdwebui-install.sh), so that a new GPU
# instance of the pool serves within minutes instead of installing for 15 or more. Then writes the AMI's id into an
# SSM parameter, which the stack's GpuAmiId parameter takes:
#
#   scripts/bake-ami.sh --subnet subnet-0123 [--region eu-west-1]
#   sam deploy --parameter-overrides GpuAmiId=/sdserverless/sdwebui-ami ...
#
# It launches one builder instance (no IAM role, no inbound rule, in a subnet that reaches the internet through
# NAT), lets its user data install, stops it, images it and terminates it. Needs the AWS CLI and credentials that
# may run, image and terminate instances and write the SSM parameter.
set -euo pipefail

base=/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id
instance_type=g5.xlarge
parameter=/sdserverless/sdwebui-ami
tag=v1.10.1
subnet=""
security_group=""
timeout_minutes=60
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
while [ $# -gt 0 ]; do
  case "$1" in
    --subnet) subnet=$2; shift 2 ;;
    --security-group) security_group=$2; shift 2 ;;
    --base-ami-parameter) base=$2; shift 2 ;;
    --instance-type) instance_type=$2; shift 2 ;;
    --ssm-parameter) parameter=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --region) region=$2; shift 2 ;;
    --timeout-minutes) timeout_minutes=$2; shift 2 ;;
    *)
      echo "usage: bake-ami.sh --subnet SUBNET [--security-group SG] [--base-ami-parameter NAME] [--instance-type TYPE]" >&2
      echo "                   [--ssm-parameter /sdserverless/sdwebui-ami] [--tag v1.10.1] [--region REGION]" >&2
      exit 2 ;;
  esac
done
[ -n "$subnet" ] || { echo "bake-ami: --subnet is required (a private subnet with a NAT gateway)" >&2; exit 2; }
[ -n "$region" ] || { echo "bake-ami: give --region or AWS_REGION" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
aws_() { aws --region "$region" "$@"; }
log() { echo "bake-ami: $*" >&2; }

ami=$(aws_ ssm get-parameter --name "$base" --query Parameter.Value --output text)
device=$(aws_ ec2 describe-images --image-ids "$ami" --query 'Images[0].RootDeviceName' --output text)
log "base AMI $ami (root $device), builder $instance_type in $subnet"

# User data: the install script itself, then a marker on the console and a shutdown (success or not).
userdata=$(mktemp)
trap 'rm -f "$userdata"' EXIT
{
  echo '#!/bin/bash'
  echo 'cat > /root/sdwebui-install.sh <<'"'"'SDSERVERLESS_INSTALL'"'"
  cat "$here/sdwebui-install.sh"
  echo 'SDSERVERLESS_INSTALL'
  echo "if bash /root/sdwebui-install.sh --tag '$tag'; then echo 'sdserverless-bake: ok' > /dev/console; else echo 'sdserverless-bake: failed' > /dev/console; fi"
  echo 'shutdown -h now'
} > "$userdata"

sg_args=()
[ -z "$security_group" ] || sg_args=(--security-group-ids "$security_group")
instance=$(aws_ ec2 run-instances --image-id "$ami" --instance-type "$instance_type" --subnet-id "$subnet" "${sg_args[@]}" \
  --metadata-options HttpTokens=required \
  --block-device-mappings "[{\"DeviceName\":\"$device\",\"Ebs\":{\"VolumeSize\":150,\"VolumeType\":\"gp3\",\"Encrypted\":true}}]" \
  --instance-initiated-shutdown-behavior stop --user-data "file://$userdata" \
  --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=sdserverless-ami-builder}]' \
  --query 'Instances[0].InstanceId' --output text)
log "builder $instance launched; installing (about 15 minutes)"
cleanup() { aws_ ec2 terminate-instances --instance-ids "$instance" >/dev/null || true; rm -f "$userdata"; }
trap cleanup EXIT

deadline=$(( $(date +%s) + timeout_minutes * 60 ))
until [ "$(aws_ ec2 describe-instances --instance-ids "$instance" --query 'Reservations[0].Instances[0].State.Name' --output text)" = stopped ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { log "the builder did not finish within $timeout_minutes minutes"; exit 1; }
  sleep 30
done
if ! aws_ ec2 get-console-output --instance-id "$instance" --latest --output text | grep -q 'sdserverless-bake: ok'; then
  log "the install failed or its result is not on the console; see: aws ec2 get-console-output --instance-id $instance --latest"
  trap - EXIT
  rm -f "$userdata"
  log "the builder $instance is kept stopped for inspection; terminate it when done"
  exit 1
fi

deadline=$(( $(date +%s) + timeout_minutes * 60 ))
name="sdserverless-sdwebui-$tag-$(date -u +%Y%m%d%H%M%S)"
image=$(aws_ ec2 create-image --instance-id "$instance" --name "$name" --description "SD Web UI $tag (SdServerless GPU node)" \
  --query ImageId --output text)
log "imaging $image"
# Imaging a large volume can outlast `aws ec2 wait image-available` (10 minutes).
until [ "$(aws_ ec2 describe-images --image-ids "$image" --query 'Images[0].State' --output text)" = available ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { log "$image is not available within $timeout_minutes minutes; it may still finish"; exit 1; }
  sleep 30
done
aws_ ssm put-parameter --name "$parameter" --type String --data-type aws:ec2:image --value "$image" --overwrite >/dev/null
log "done: $image in $parameter. Deploy with GpuAmiId=$parameter (and GpuRootDeviceName=$device if it is not /dev/sda1)."
