"""Snapshot -> export against a running hvfleet agent with Debian's grpcio (generic stubs).

Usage: /usr/bin/python3 agent_client.py HOST:PORT PROTO_ROOT EXPORT_ROOT
Prints one line per step; exits non-zero on failure.
"""
import os
import subprocess
import sys
import tempfile

import grpc

target, proto_root, export_root = sys.argv[1:4]
gen = tempfile.mkdtemp(prefix="hvfleet-pygen-")
protos = [os.path.join(proto_root, "hvfleet/agent/v1", f) for f in ("host_agent.proto", "jobs.proto", "inventory.proto")]
subprocess.run(["protoc", "-I", proto_root, "--python_out=" + gen] + protos, check=True)
sys.path.insert(0, gen)

from hvfleet.agent.v1 import host_agent_pb2 as agent  # noqa: E402
from hvfleet.agent.v1 import inventory_pb2 as inventory  # noqa: E402
from hvfleet.agent.v1 import jobs_pb2 as jobs  # noqa: E402

channel = grpc.insecure_channel(target)
prefix = "/hvfleet.agent.v1.HostAgent/"


def unary(method, request, response_type):
    return channel.unary_unary(prefix + method, request_serializer=request.SerializeToString,
                               response_deserializer=response_type.FromString)(request, timeout=30)


def stream(method, request):
    call = channel.unary_stream(prefix + method, request_serializer=request.SerializeToString,
                                response_deserializer=jobs.JobEvent.FromString)
    return list(call(request, timeout=120))


info = unary("GetHostInfo", agent.GetHostInfoRequest(), agent.GetHostInfoResponse)
assert info.backend == agent.BACKEND_LAB, info
print("host-info ok", info.host_name, info.agent_version)

groups = unary("ListCollections", agent.ListCollectionsRequest(), agent.ListCollectionsResponse).collections
assert groups, "no VM groups"
group = sorted(groups, key=lambda g: g.name)[0]

events = stream("CreateSnapshot", agent.CreateSnapshotRequest(collection_id=group.id, snapshot_type=inventory.SNAPSHOT_TYPE_RECOVERY, request_id="py-snap-1"))
final = events[-1].job
assert final.state == jobs.JOB_STATE_COMPLETED, final
snapshot_id = final.result.snapshot_ids[0]
print("snapshot ok", snapshot_id, len(events), "events")

directory = os.path.join(export_root, "python-export")
events = stream("ExportSnapshot", agent.ExportSnapshotRequest(snapshot_id=snapshot_id, export_directory=directory,
                                                               settings=agent.ExportSettings(copy_vm_storage=True), request_id="py-exp-1"))
final = events[-1].job
assert final.state == jobs.JOB_STATE_COMPLETED, final
assert os.path.isfile(final.result.manifest_path), final.result
assert final.bytes_done == final.bytes_total and final.bytes_total > 0, final
print("export ok", final.result.export_path, final.result.exported_bytes, "bytes")

try:
    stream("CreateSnapshot", agent.CreateSnapshotRequest(collection_id="no-such-group", snapshot_type=inventory.SNAPSHOT_TYPE_RECOVERY))
    raise SystemExit("expected NOT_FOUND")
except grpc.RpcError as error:
    assert error.code() == grpc.StatusCode.NOT_FOUND, error
    print("not-found ok", error.details())
print("ALL OK")
