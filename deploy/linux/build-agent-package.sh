#!/usr/bin/env bash
# Builds the Linux agent package (lab hypervisor hosts, trying HvFleet without Hyper-V): a
# self-contained linux-x64 hvfleet-agent, its systemd unit, a settings file, install-agent.sh and
# the README, as a folder and a .tar.gz.
#
# Usage: deploy/linux/build-agent-package.sh [--output DIR] [--configuration Release] [--artifacts-path DIR] [--no-tar]
# Prints the package folder's path as its last line.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
output="$root/artifacts/deploy"
configuration="Release"
artifacts=""
tar=1
while (($# > 0)); do
  case "$1" in
    --output) output="${2:?--output needs a directory}"; shift 2 ;;
    --configuration) configuration="${2:?--configuration needs a value}"; shift 2 ;;
    --artifacts-path) artifacts="${2:?--artifacts-path needs a directory}"; shift 2 ;;
    --no-tar) tar=0; shift ;;
    -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "build-agent-package.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
output="$(mkdir -p "$output" && cd "$output" && pwd)"

version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n 1)"
name="hvfleet-agent-${version:-0.0.0}-linux-x64"
package="$output/$name"
staging="$(mktemp -d "${TMPDIR:-/tmp}/hvfleet-agent-linux.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
artifacts="${artifacts:-$staging/artifacts}"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# Own bin/obj under --artifacts-path (default: a temporary folder): the package build never
# touches (or races with) the solution's build outputs, so it can run while tests run. Both
# package scripts given the same folder share the RID-independent libraries' build.
dotnet publish "$root/agent/HvFleet.Agent/HvFleet.Agent.csproj" -nologo -c "$configuration" \
  -r linux-x64 --self-contained -p:DebugType=None -p:PublishDocumentationFiles=false \
  --artifacts-path "$artifacts" -o "$staging/publish"

# Assembled beside its final place and renamed in: a failed build leaves nothing half-written.
next="$output/.$name.partial"
rm -rf "$next"
mkdir -p "$next"
cp -a "$staging/publish" "$next/bin"
# The development appsettings.json of the project is replaced by the lab host's settings.
rm -f "$next/bin/appsettings.json" "$next/bin/appsettings.Development.json"
cp "$root/deploy/linux/appsettings.lab.json" "$next/appsettings.json"
cp "$root/deploy/linux/hvfleet-agent.service" "$root/deploy/linux/install-agent.sh" "$next/"
cp "$root/deploy/README.md" "$next/README.md"
chmod 0755 "$next/bin/hvfleet-agent" "$next/install-agent.sh"
printf '%s\n' "$version" >"$next/VERSION"

rm -rf "$package"
mv "$next" "$package"
if ((tar)); then
  tar -C "$output" -czf "$package.tar.gz" --owner=0 --group=0 "$name"
fi
echo "$package"
