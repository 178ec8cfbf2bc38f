#!/usr/bin/env bash
# Installs (or upgrades) the Linux lab agent from its unpacked package, as root:
#   sudo ./install-agent.sh --cert pki/lab01.crt --key pki/lab01.key --ca pki/ca.crt
# Creates the system user hvfleet-agent, puts the program in /opt/hvfleet-agent, the settings and
# certificates in /etc/hvfleet-agent (key 0640 root:hvfleet-agent), installs and starts the unit.
# Idempotent: a second run with the same files changes nothing but restarts the service.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cert="" key="" ca=""
while (($# > 0)); do
  case "$1" in
    --cert) cert="${2:?--cert needs a file}"; shift 2 ;;
    --key) key="${2:?--key needs a file}"; shift 2 ;;
    --ca) ca="${2:?--ca needs a file}"; shift 2 ;;
    *) echo "install-agent.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
problems=()
for pair in "--cert:$cert" "--key:$key" "--ca:$ca"; do
  flag="${pair%%:*}" file="${pair#*:}"
  if [[ -z "$file" || ! -f "$file" ]]; then problems+=("$flag: file '${file}' not found"); fi
done
if [[ "$(id -u)" -ne 0 ]]; then problems+=("run as root"); fi
if ((${#problems[@]} > 0)); then
  printf 'install-agent.sh: nothing was changed:\n' >&2
  printf '  %s\n' "${problems[@]}" >&2
  exit 2
fi

id -u hvfleet-agent >/dev/null 2>&1 ||
  useradd --system --home-dir /var/lib/hvfleet-agent --shell /usr/sbin/nologin --user-group hvfleet-agent
systemctl stop hvfleet-agent.service 2>/dev/null || true
install -d -m 0755 /opt/hvfleet-agent
cp -a "$here/bin/." /opt/hvfleet-agent/
cp "$here/README.md" "$here/VERSION" /opt/hvfleet-agent/
install -d -m 0750 -g hvfleet-agent /etc/hvfleet-agent /etc/hvfleet-agent/tls
[[ -f /etc/hvfleet-agent/appsettings.json ]] || install -m 0640 -g hvfleet-agent "$here/appsettings.json" /etc/hvfleet-agent/appsettings.json
install -m 0644 "$cert" /etc/hvfleet-agent/tls/agent.crt
install -m 0640 -g hvfleet-agent "$key" /etc/hvfleet-agent/tls/agent.key
install -m 0644 "$ca" /etc/hvfleet-agent/tls/ca.crt
install -m 0644 "$here/hvfleet-agent.service" /etc/systemd/system/hvfleet-agent.service
systemctl daemon-reload
systemctl enable --now hvfleet-agent.service
# Type=notify: systemctl returns once the agent has sent READY=1 (health SERVING), or fails.
systemctl is-active --quiet hvfleet-agent.service
echo "hvfleet-agent is running: $(systemctl show -p MainPID --value hvfleet-agent.service)"
