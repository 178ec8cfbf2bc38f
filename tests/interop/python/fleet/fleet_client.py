"""HvFleet's API from Python: Debian's grpcio (generic stubs over protoc's messages) against a real
hvfleet-agent or a real `hvfleet serve`.

  /usr/bin/python3 fleet_client.py CASE --target HOST:PORT [--tls-dir DIR [--as NAME]]
                                   [--export-root DIR] [--hosts N] [--service NAME ...] [--wait SECONDS]

CASE: agent-snapshot, agent-export, agent-errors, agent-mtls, fleet-snapshot-export, fleet-errors,
fleet-mtls, reflection. With --tls-dir the channel is mutual TLS with DIR/ca.crt and DIR/NAME.crt/.key
(NAME: --as, default ops; the *-mtls cases use DIR/viewer and DIR/ops). Every case first waits (at
most --wait seconds, polling) for grpc.health.v1 SERVING. Each observation is printed as one line
"RESULT {json}" for the calling test to assert on; the script also checks what it can itself and
ends with "ALL OK" (exit 0), or prints "FAIL reason" and exits 1.
"""

import argparse
import json
import os
import queue
import sys
import time
import uuid

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool

from fleet_protos import FleetProtos

P = FleetProtos()
AGENT = "hvfleet.agent.v1.HostAgent"
FLEET = "hvfleet.orchestrator.v1.Fleet"
CALL_TIMEOUT = 30
STREAM_TIMEOUT = 120


class CaseFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CaseFailure(message)


def result(kind, **fields):
    print("RESULT " + json.dumps({"kind": kind, **fields}, sort_keys=True), flush=True)


def run_id(prefix):
    return f"py-{prefix}-{uuid.uuid4().hex[:12]}"


# --- channels and calls ------------------------------------------------------------------------

class Client:
    def __init__(self, target, tls_dir=None, name=None):
        self.target = target
        if tls_dir is None:
            self.channel = grpc.insecure_channel(target)
        else:
            def read(file):
                with open(os.path.join(tls_dir, file), "rb") as f:
                    return f.read()

            credentials = grpc.ssl_channel_credentials(
                root_certificates=read("ca.crt"),
                private_key=read(name + ".key") if name else None,
                certificate_chain=read(name + ".crt") if name else None)
            # The servers' certificates name localhost and 127.0.0.1.
            self.channel = grpc.secure_channel(target, credentials, options=[("grpc.ssl_target_name_override", "localhost")])

    def unary(self, service, method, request, response_type, timeout=CALL_TIMEOUT):
        call = self.channel.unary_unary(f"/{service}/{method}", request_serializer=request.SerializeToString,
                                        response_deserializer=response_type.FromString)
        return call(request, timeout=timeout)

    def stream(self, service, method, request, response_type, timeout=STREAM_TIMEOUT):
        call = self.channel.unary_stream(f"/{service}/{method}", request_serializer=request.SerializeToString,
                                         response_deserializer=response_type.FromString)
        return list(call(request, timeout=timeout))

    def duplex(self, service, method, request_type, response_type, requests, timeout=CALL_TIMEOUT):
        call = self.channel.stream_stream(f"/{service}/{method}", request_serializer=request_type.SerializeToString,
                                          response_deserializer=response_type.FromString)
        return call(requests, timeout=timeout)

    def close(self):
        self.channel.close()


def status_of(thunk):
    """Runs a call that must fail; returns (code name, details)."""
    try:
        thunk()
    except grpc.RpcError as error:
        return error.code().name, error.details() or ""
    raise CaseFailure("the call succeeded but was expected to fail")


def wait_serving(client, seconds):
    """Polls grpc.health.v1.Health/Check until SERVING or the deadline (a server still starting refuses
    connections or answers NOT_SERVING)."""
    H = P.health
    deadline = time.monotonic() + seconds
    last = "no answer"
    while True:
        try:
            response = client.unary("grpc.health.v1.Health", "Check", H.HealthCheckRequest(), H.HealthCheckResponse,
                                    timeout=5)
            if response.status == H.HealthCheckResponse.SERVING:
                return
            last = H.HealthCheckResponse.ServingStatus.Name(response.status)
        except grpc.RpcError as error:
            last = f"{error.code().name}: {error.details()}"
        if time.monotonic() > deadline:
            raise CaseFailure(f"{client.target} not SERVING after {seconds}s (last: {last})")
        time.sleep(0.1)


# --- agent ---------------------------------------------------------------------------------------

def job_state(state):
    return P.jobs.JobState.Name(state)


def fold(names):
    """Names in order with consecutive repeats folded: [A, A, B, B, C] -> [A, B, C]."""
    folded = []
    for name in names:
        if not folded or folded[-1] != name:
            folded.append(name)
    return folded


def job_events(events):
    """What a test needs to judge a job's stream: states in order (repeats folded), progress, ordering."""
    states = fold(job_state(e.job.state) for e in events)
    percents = [e.job.percent for e in events]
    sequences = [e.sequence for e in events]
    return {
        "count": len(events),
        "states": states,
        "terminal_count": sum(1 for e in events if e.job.state in (P.jobs.JOB_STATE_COMPLETED, P.jobs.JOB_STATE_FAILED,
                                                                    P.jobs.JOB_STATE_CANCELLED)),
        "distinct_percents": len(set(percents)),
        "max_percent": max(percents, default=0),
        "percent_non_decreasing": all(a <= b for a, b in zip(percents, percents[1:])),
        "sequence_increasing": all(a < b for a, b in zip(sequences, sequences[1:])),
        "bytes_done": events[-1].job.bytes_done if events else 0,
        "bytes_total": events[-1].job.bytes_total if events else 0,
        "job_ids": sorted({e.job.id for e in events}),
    }


def first_collection(client):
    collections = client.unary(AGENT, "ListCollections", P.agent.ListCollectionsRequest(),
                               P.agent.ListCollectionsResponse).collections
    check(len(collections) > 0, "the agent lists no VM groups")
    return sorted(collections, key=lambda c: c.name)[0]


def snapshot(client, collection, label):
    request = P.agent.CreateSnapshotRequest(collection_id=collection.id, snapshot_type=P.inventory.SNAPSHOT_TYPE_RECOVERY,
                                            name=label, request_id=run_id(label))
    events = client.stream(AGENT, "CreateSnapshot", request, P.jobs.JobEvent)
    check(len(events) > 0, "CreateSnapshot streamed no event")
    return events


def agent_snapshot(args, client):
    collection = first_collection(client)
    events = snapshot(client, collection, "snap")
    final = events[-1].job
    result("snapshot", collection=collection.id, events=job_events(events), job_id=final.id,
           snapshot_ids=list(final.result.snapshot_ids), error=final.error.summary)
    check(final.state == P.jobs.JOB_STATE_COMPLETED, f"snapshot job ended {job_state(final.state)}: {final.error}")
    # The same job again by id: the terminal state first, then the stream ends with OK.
    watched = client.stream(AGENT, "WatchJob", P.agent.WatchJobRequest(job_id=final.id), P.jobs.JobEvent)
    result("watch", events=job_events(watched))


def agent_export(args, client):
    check(args.export_root, "--export-root is required")
    events = snapshot(client, first_collection(client), "exp")
    check(events[-1].job.state == P.jobs.JOB_STATE_COMPLETED, f"snapshot ended {job_state(events[-1].job.state)}")
    snapshot_id = events[-1].job.result.snapshot_ids[0]
    directory = os.path.join(args.export_root, run_id("export"))
    request = P.agent.ExportSnapshotRequest(snapshot_id=snapshot_id, export_directory=directory,
                                            settings=P.agent.ExportSettings(copy_vm_storage=True),
                                            request_id=run_id("export"))
    events = client.stream(AGENT, "ExportSnapshot", request, P.jobs.JobEvent)
    final = events[-1].job
    result("export", directory=directory, events=job_events(events), export_path=final.result.export_path,
           manifest_path=final.result.manifest_path, exported_files=final.result.exported_files,
           exported_bytes=final.result.exported_bytes, error=final.error.summary)
    check(final.state == P.jobs.JOB_STATE_COMPLETED, f"export job ended {job_state(final.state)}: {final.error}")
    check(os.path.isfile(final.result.manifest_path), f"no manifest at {final.result.manifest_path}")


def agent_errors(args, client):
    A, I = P.agent, P.inventory
    collection = first_collection(client)
    cases = {
        "CreateSnapshot/no-target": lambda: client.stream(AGENT, "CreateSnapshot", A.CreateSnapshotRequest(
            snapshot_type=I.SNAPSHOT_TYPE_RECOVERY), P.jobs.JobEvent),
        "CreateSnapshot/no-type": lambda: client.stream(AGENT, "CreateSnapshot", A.CreateSnapshotRequest(
            collection_id=collection.id), P.jobs.JobEvent),
        "CreateSnapshot/unknown-collection": lambda: client.stream(AGENT, "CreateSnapshot", A.CreateSnapshotRequest(
            collection_id=str(uuid.uuid4()), snapshot_type=I.SNAPSHOT_TYPE_RECOVERY), P.jobs.JobEvent),
        "ExportSnapshot/no-directory": lambda: client.stream(AGENT, "ExportSnapshot", A.ExportSnapshotRequest(
            snapshot_id=str(uuid.uuid4())), P.jobs.JobEvent),
        "GetJob/unknown": lambda: client.unary(AGENT, "GetJob", A.GetJobRequest(job_id=str(uuid.uuid4())),
                                               A.GetJobResponse),
        "WatchJob/unknown": lambda: client.stream(AGENT, "WatchJob", A.WatchJobRequest(job_id=str(uuid.uuid4())),
                                                  P.jobs.JobEvent),
    }
    for name, thunk in cases.items():
        code, details = status_of(thunk)
        result("status", call=name, code=code, details=details)


def agent_mtls(args, client):
    check(args.tls_dir, "--tls-dir is required")
    viewer = Client(args.target, args.tls_dir, "viewer")
    ops = Client(args.target, args.tls_dir, "ops")
    anonymous = Client(args.target, args.tls_dir, None)
    try:
        info = viewer.unary(AGENT, "GetHostInfo", P.agent.GetHostInfoRequest(), P.agent.GetHostInfoResponse)
        result("host-info", caller="viewer", certificate_subject=info.certificate.subject,
               backend=P.agent.Backend.Name(info.backend))
        collection = first_collection(ops)
        code, details = status_of(lambda: snapshot(viewer, collection, "viewer"))
        result("status", call="CreateSnapshot/viewer", code=code, details=details)
        events = snapshot(ops, collection, "ops")
        final = events[-1].job
        result("snapshot", caller="ops", events=job_events(events), snapshot_ids=list(final.result.snapshot_ids))
        code, details = status_of(lambda: anonymous.unary(AGENT, "GetHostInfo", P.agent.GetHostInfoRequest(),
                                                          P.agent.GetHostInfoResponse, timeout=10))
        result("status", call="GetHostInfo/no-certificate", code=code, details=details)
    finally:
        for c in (viewer, ops, anonymous):
            c.close()


# --- orchestrator --------------------------------------------------------------------------------

def op_state(state):
    return P.fleet.OperationState.Name(state)


def wait_reachable(client, hosts, seconds):
    """The orchestrator plans only over hosts it can reach: poll ListHosts(refresh) until `hosts` are."""
    deadline = time.monotonic() + seconds
    while True:
        listed = client.unary(FLEET, "ListHosts", P.fleet.ListHostsRequest(selector=P.fleet.HostSelector(all=True),
                                                                            refresh=True), P.fleet.ListHostsResponse)
        reachable = [h.name for h in listed.hosts if h.reachability == P.fleet.REACHABILITY_REACHABLE]
        if len(reachable) >= hosts:
            return listed.hosts
        if time.monotonic() > deadline:
            raise CaseFailure(f"only {reachable} of {[h.name for h in listed.hosts]} reachable after {seconds}s: "
                              + "; ".join(f"{h.name}: {h.error}" for h in listed.hosts))
        time.sleep(0.2)


def watch(client, operation_id):
    events = client.stream(FLEET, "WatchOperation", P.fleet.WatchOperationRequest(operation_id=operation_id),
                           P.fleet.OperationEvent)
    check(len(events) > 0, "WatchOperation streamed no event")
    final = events[-1]
    check(final.HasField("operation"), "the last WatchOperation event does not carry the whole operation")
    return events, final.operation


def operation_summary(events, operation):
    return {
        "id": operation.id,
        "state": op_state(operation.state),
        "events": len(events),
        "first_has_operation": events[0].HasField("operation"),
        "task_events": sum(1 for e in events if e.HasField("task")),
        "event_states": fold(op_state(e.state) for e in events),
        "tasks": [{"host": t.host_name, "target": t.target_name, "outcome": P.fleet.TaskOutcome.Name(t.outcome),
                   "snapshot_ids": list(t.snapshot_ids), "export_path": t.export_path, "error": t.error.summary}
                  for t in operation.tasks],
        "message": operation.message,
    }


def fleet_snapshot_export(args, client):
    check(args.export_root, "--export-root is required")
    hosts = wait_reachable(client, args.hosts, args.wait)
    result("hosts", names=sorted(h.name for h in hosts))
    started = client.unary(FLEET, "StartFleetSnapshot", P.fleet.StartFleetSnapshotRequest(
        hosts=P.fleet.HostSelector(all=True), targets=P.fleet.TargetSelector(all_collections=True),
        snapshot_type=P.inventory.SNAPSHOT_TYPE_RECOVERY, request_id=run_id("fleet-snap")), P.fleet.StartFleetSnapshotResponse)
    events, operation = watch(client, started.operation.id)
    result("fleet-snapshot", started_state=op_state(started.operation.state), **operation_summary(events, operation))
    check(operation.state == P.fleet.OPERATION_STATE_SUCCEEDED, f"snapshot operation ended {op_state(operation.state)}")

    template = os.path.join(args.export_root, "py-{operation}", "{host}", "{target}")
    started = client.unary(FLEET, "StartFleetExport", P.fleet.StartFleetExportRequest(
        snapshot_operation_id=operation.id, destination_template=template,
        settings=P.agent.ExportSettings(copy_vm_storage=True), request_id=run_id("fleet-export")),
        P.fleet.StartFleetExportResponse)
    events, operation = watch(client, started.operation.id)
    result("fleet-export", started_state=op_state(started.operation.state), **operation_summary(events, operation))
    check(operation.state == P.fleet.OPERATION_STATE_SUCCEEDED, f"export operation ended {op_state(operation.state)}")


def fleet_errors(args, client):
    F = P.fleet
    cases = {
        "GetOperation/unknown": lambda: client.unary(FLEET, "GetOperation", F.GetOperationRequest(operation_id="no-such-op"),
                                                     F.GetOperationResponse),
        "WatchOperation/unknown": lambda: client.stream(FLEET, "WatchOperation",
                                                        F.WatchOperationRequest(operation_id="no-such-op"), F.OperationEvent),
        "StartFleetSnapshot/bad-type": lambda: client.unary(FLEET, "StartFleetSnapshot", F.StartFleetSnapshotRequest(
            hosts=F.HostSelector(all=True), snapshot_type=99, dry_run=True), F.StartFleetSnapshotResponse),
        "StartFleetExport/unknown-operation": lambda: client.unary(FLEET, "StartFleetExport", F.StartFleetExportRequest(
            snapshot_operation_id="no-such-op", destination_template="/tmp/{host}"), F.StartFleetExportResponse),
        "ListOperations/negative-page": lambda: client.unary(FLEET, "ListOperations", F.ListOperationsRequest(page_size=-1),
                                                             F.ListOperationsResponse),
    }
    for name, thunk in cases.items():
        code, details = status_of(thunk)
        result("status", call=name, code=code, details=details)


def fleet_mtls(args, client):
    check(args.tls_dir, "--tls-dir is required")
    F = P.fleet
    viewer = Client(args.target, args.tls_dir, "viewer")
    ops = Client(args.target, args.tls_dir, "ops")
    anonymous = Client(args.target, args.tls_dir, None)
    request = F.StartFleetSnapshotRequest(hosts=F.HostSelector(all=True), dry_run=True)
    try:
        listed = viewer.unary(FLEET, "ListHosts", F.ListHostsRequest(selector=F.HostSelector(all=True)), F.ListHostsResponse)
        result("hosts", caller="viewer", names=sorted(h.name for h in listed.hosts))
        code, details = status_of(lambda: viewer.unary(FLEET, "StartFleetSnapshot", request, F.StartFleetSnapshotResponse))
        result("status", call="StartFleetSnapshot/viewer", code=code, details=details)
        planned = ops.unary(FLEET, "StartFleetSnapshot", request, F.StartFleetSnapshotResponse).operation
        result("dry-run", caller="ops", state=op_state(planned.state), tasks=len(planned.tasks))
        code, details = status_of(lambda: anonymous.unary(FLEET, "ListHosts", F.ListHostsRequest(), F.ListHostsResponse,
                                                          timeout=10))
        result("status", call="ListHosts/no-certificate", code=code, details=details)
    finally:
        for c in (viewer, ops, anonymous):
            c.close()


# --- reflection ----------------------------------------------------------------------------------

def reflection_exchange(client, version, requests):
    """One ServerReflectionInfo stream: each request answered before the next is sent."""
    R = getattr(P, f"reflection_{version}")
    outbox = queue.Queue()
    done = object()

    def pending():
        while (item := outbox.get()) is not done:
            yield item

    responses = client.duplex(f"grpc.reflection.{version}.ServerReflection", "ServerReflectionInfo",
                              R.ServerReflectionRequest, R.ServerReflectionResponse, pending())
    answers = []
    try:
        for request in requests:
            outbox.put(R.ServerReflectionRequest(**request))
            answers.append(next(responses))
    finally:
        outbox.put(done)
    list(responses)
    return answers


def local_methods(service):
    """The method names our .proto declares for `service` (what protoc compiled here)."""
    for module in (P.agent, P.fleet, P.health):
        for declared in module.DESCRIPTOR.services_by_name.values():
            if declared.full_name == service:
                return sorted(m.name for m in declared.methods)
    raise CaseFailure(f"no local proto declares {service}")


def describe(client, version, service):
    """file_containing_symbol(service), then file_by_filename for any dependency not sent along; builds a
    descriptor pool from the files (proving they are complete) and returns the service's method names."""
    answer, = reflection_exchange(client, version, [{"file_containing_symbol": service}])
    kind = answer.WhichOneof("message_response")
    if kind != "file_descriptor_response":
        raise CaseFailure(f"file_containing_symbol({service}) gave {kind}: {answer.error_response.error_message}")
    files = {}
    for raw in answer.file_descriptor_response.file_descriptor_proto:
        parsed = descriptor_pb2.FileDescriptorProto.FromString(raw)
        files[parsed.name] = parsed
    missing = [d for f in files.values() for d in f.dependency if d not in files]
    while missing:
        name = missing.pop()
        if name in files:
            continue
        answer, = reflection_exchange(client, version, [{"file_by_filename": name}])
        check(answer.WhichOneof("message_response") == "file_descriptor_response", f"file_by_filename({name}) failed")
        for raw in answer.file_descriptor_response.file_descriptor_proto:
            parsed = descriptor_pb2.FileDescriptorProto.FromString(raw)
            files[parsed.name] = parsed
            missing.extend(d for d in parsed.dependency if d not in files)
    pool = descriptor_pool.DescriptorPool()
    added = set()

    def add(name):
        if name in added:
            return
        for dependency in files[name].dependency:
            add(dependency)
        pool.Add(files[name])
        added.add(name)

    for name in files:
        add(name)
    return sorted(m.name for m in pool.FindServiceByName(service).methods), sorted(files)


def reflection(args, client):
    check(args.service, "--service is required")
    answered = []
    for version in ("v1", "v1alpha"):
        try:
            listed, = reflection_exchange(client, version, [{"list_services": ""}])
        except grpc.RpcError as error:
            result("reflection", version=version, answered=False, code=error.code().name, details=error.details() or "")
            continue
        services = sorted(s.name for s in listed.list_services_response.service)
        described = {}
        problems = []
        for service in args.service:
            if service not in services:
                problems.append(f"{service} not listed")
                continue
            try:
                methods, files = describe(client, version, service)
            except (CaseFailure, grpc.RpcError, KeyError, TypeError) as error:
                problems.append(f"{service}: {error}")
                continue
            described[service] = {"methods": methods, "expected": local_methods(service), "files": files}
            if methods != local_methods(service):
                problems.append(f"{service} methods {methods} differ from the proto's {local_methods(service)}")
        result("reflection", version=version, answered=True, services=services, described=described, problems=problems)
        if not problems:
            answered.append(version)
    print("reflection versions that list and describe everything: " + (", ".join(answered) or "none"))
    check(answered, "no reflection version listed and described every service")


CASES = {
    "agent-snapshot": agent_snapshot,
    "agent-export": agent_export,
    "agent-errors": agent_errors,
    "agent-mtls": agent_mtls,
    "fleet-snapshot-export": fleet_snapshot_export,
    "fleet-errors": fleet_errors,
    "fleet-mtls": fleet_mtls,
    "reflection": reflection,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--target", required=True)
    parser.add_argument("--tls-dir")
    parser.add_argument("--as", dest="name", default="ops")
    parser.add_argument("--export-root")
    parser.add_argument("--hosts", type=int, default=1)
    parser.add_argument("--service", action="append", default=[])
    parser.add_argument("--wait", type=float, default=60)
    args = parser.parse_args()

    client = Client(args.target, args.tls_dir, args.name if args.tls_dir else None)
    try:
        wait_serving(client, args.wait)
        CASES[args.case](args, client)
    except (CaseFailure, grpc.RpcError) as error:
        detail = f"{error.code().name}: {error.details()}" if isinstance(error, grpc.RpcError) else str(error)
        print(f"FAIL {args.case}: {detail}", flush=True)
        return 1
    finally:
        client.close()
    print("ALL OK", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
