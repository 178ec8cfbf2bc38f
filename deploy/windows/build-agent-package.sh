#!/usr/bin/env bash
# Builds the Windows agent package on any machine with the .NET SDK (CI runs it on Linux):
#   a self-contained, single-file win-x64 hvfleet-agent.exe, the configuration template for the
#   Hyper-V backend, the install/uninstall scripts and the README, as a folder and a zip.
#
# Usage: deploy/windows/build-agent-package.sh [--output DIR] [--configuration Release] [--artifacts-path DIR] [--no-zip]
# Prints the package folder's path as its last line.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
output="$root/artifacts/deploy"
configuration="Release"
artifacts=""
zip=1
while (($# > 0)); do
  case "$1" in
    --output) output="${2:?--output needs a directory}"; shift 2 ;;
    --configuration) configuration="${2:?--configuration needs a value}"; shift 2 ;;
    --artifacts-path) artifacts="${2:?--artifacts-path needs a directory}"; shift 2 ;;
    --no-zip) zip=0; shift ;;
    -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "build-agent-package.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
output="$(mkdir -p "$output" && cd "$output" && pwd)"

version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n 1)"
name="hvfleet-agent-${version:-0.0.0}-win-x64"
package="$output/$name"
staging="$(mktemp -d "${TMPDIR:-/tmp}/hvfleet-agent-win.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
artifacts="${artifacts:-$staging/artifacts}"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# Own bin/obj under --artifacts-path (default: a temporary folder): the package build never
# touches (or races with) the solution's build outputs, so it can run while tests run. Both
# package scripts given the same folder share the RID-independent libraries' build.
# The win-x64 runtime and apphost packs restore from the same NuGet feed as everything else.
dotnet publish "$root/agent/HvFleet.Agent/HvFleet.Agent.csproj" -nologo -c "$configuration" \
  -r win-x64 --self-contained -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
  -p:DebugType=None -p:PublishDocumentationFiles=false \
  --artifacts-path "$artifacts" -o "$staging/publish"

# Build the package beside its final place, then swap it in: a failed build leaves nothing half-written.
next="$output/.$name.partial"
rm -rf "$next"
mkdir -p "$next/scripts"
cp "$staging/publish/hvfleet-agent.exe" "$next/"
cp "$root/deploy/windows/appsettings.template.json" "$next/appsettings.template.json"
cp "$root/deploy/windows/Install-HvFleetAgent.ps1" "$root/deploy/windows/Uninstall-HvFleetAgent.ps1" "$next/scripts/"
cp "$root/deploy/windows/README.md" "$next/README.md"
printf '%s\n' "$version" >"$next/VERSION"
(cd "$next" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)

rm -rf "$package"
mv "$next" "$package"
if ((zip)); then
  rm -f "$package.zip"
  (cd "$output" && /usr/bin/python3 -m zipfile -c "$name.zip" "$name/")
fi
echo "$package"
