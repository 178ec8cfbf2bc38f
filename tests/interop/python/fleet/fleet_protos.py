"""Message classes for HvFleet's public API, generated at run time with Debian's protoc.

protoc writes *_pb2 modules for protos/hvfleet/... and protos/grpc/{health,reflection}/... into a
fresh temporary directory (nothing generated is committed). The hvfleet modules are imported as
packages; the grpc.* ones are loaded from their files under private names, because a generated
package called ``grpc`` would hide grpcio itself.
"""

import atexit
import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

import google.protobuf

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", "..", "protos"))

HVFLEET_FILES = [
    "hvfleet/agent/v1/inventory.proto",
    "hvfleet/agent/v1/jobs.proto",
    "hvfleet/agent/v1/host_agent.proto",
    "hvfleet/orchestrator/v1/fleet.proto",
]
GRPC_FILES = {
    "health": "grpc/health/v1/health.proto",
    "reflection_v1": "grpc/reflection/v1/reflection.proto",
    "reflection_v1alpha": "grpc/reflection/v1alpha/reflection.proto",
}


def _protoc():
    protoc = shutil.which("protoc")
    if protoc is None:
        raise RuntimeError("protoc not found: install Debian's protobuf-compiler (tests/setup.sh does)")
    version = subprocess.run([protoc, "--version"], check=True, capture_output=True, text=True).stdout
    match = re.search(r"(\d+)\.(\d+)", version)
    # python3-protobuf 4.21.x loads code from protoc 3.21.x: the minor versions must agree.
    if not match or match.group(2) != google.protobuf.__version__.split(".")[1]:
        raise RuntimeError(f"protoc '{version.strip()}' does not match python3-protobuf {google.protobuf.__version__}")
    return protoc


def _load_file(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class FleetProtos:
    """agent (host_agent_pb2), inventory, jobs, fleet, health, reflection_v1, reflection_v1alpha."""

    def __init__(self):
        protoc = _protoc()
        gen = tempfile.mkdtemp(prefix="hvfleet-fleet-pygen-")
        atexit.register(shutil.rmtree, gen, True)
        # Debian's protoc finds google/protobuf/*.proto (libprotobuf-dev) on its own include path.
        subprocess.run([protoc, "-I", PROTO_ROOT, f"--python_out={gen}", *HVFLEET_FILES, *GRPC_FILES.values()],
                       check=True)
        sys.path.insert(0, gen)
        self.inventory = importlib.import_module("hvfleet.agent.v1.inventory_pb2")
        self.jobs = importlib.import_module("hvfleet.agent.v1.jobs_pb2")
        self.agent = importlib.import_module("hvfleet.agent.v1.host_agent_pb2")
        self.fleet = importlib.import_module("hvfleet.orchestrator.v1.fleet_pb2")
        for attr, rel in GRPC_FILES.items():
            setattr(self, attr, _load_file(f"hvfleet_fleet_{attr}_pb2", os.path.join(gen, rel.replace(".proto", "_pb2.py"))))
