// HvFleet's API from JavaScript: @grpc/grpc-js with @grpc/proto-loader (messages loaded from protos/ at
// run time) against a real hvfleet-agent or a real `hvfleet serve`. The twin of
// tests/interop/python/fleet/fleet_client.py: same cases, same arguments, same RESULT lines.
//
//   node fleet-client.mjs CASE --target HOST:PORT [--tls-dir DIR [--as NAME]] [--export-root DIR]
//                              [--hosts N] [--service NAME ...] [--wait SECONDS]
//
// CASE: agent-snapshot, agent-export, agent-errors, agent-mtls, fleet-snapshot-export, fleet-errors,
// fleet-mtls, reflection. With --tls-dir the channel is mutual TLS with DIR/ca.crt and DIR/NAME.crt/.key
// (NAME: --as, default ops; the *-mtls cases use DIR/viewer and DIR/ops). Every case first waits (at most
// --wait seconds, polling) for grpc.health.v1 SERVING. Each observation is printed as one line
// "RESULT {json}" for the calling test; the script checks what it can itself and ends with "ALL OK"
// (exit 0), or prints "FAIL reason" and exits 1.
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const require = createRequire(import.meta.url);
// protobufjs comes with @grpc/proto-loader; its descriptor extension decodes and links the
// FileDescriptorProtos that reflection returns.
const protobuf = require('protobufjs');
const descriptor = require('protobufjs/ext/descriptor');

const here = path.dirname(fileURLToPath(import.meta.url));
const protoRoot = path.resolve(here, '../../../../protos');
const AGENT = 'hvfleet.agent.v1.HostAgent';
const FLEET = 'hvfleet.orchestrator.v1.Fleet';
const HEALTH = 'grpc.health.v1.Health';
const CALL_TIMEOUT_MS = 30_000;
const STREAM_TIMEOUT_MS = 120_000;
const TERMINAL_JOB_STATES = new Set(['JOB_STATE_COMPLETED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED']);

const loaderOptions = { includeDirs: [protoRoot], keepCase: true, defaults: true, enums: String, longs: Number, oneofs: true };
const definitions = protoLoader.loadSync([
  'hvfleet/agent/v1/host_agent.proto',
  'hvfleet/orchestrator/v1/fleet.proto',
  'grpc/health/v1/health.proto',
], loaderOptions);
const reflectionDefinitions = {
  v1: protoLoader.loadSync('grpc/reflection/v1/reflection.proto', loaderOptions),
  v1alpha: protoLoader.loadSync('grpc/reflection/v1alpha/reflection.proto', loaderOptions),
};
const ClientFor = {
  [AGENT]: grpc.makeGenericClientConstructor(definitions[AGENT], 'HostAgent'),
  [FLEET]: grpc.makeGenericClientConstructor(definitions[FLEET], 'Fleet'),
  [HEALTH]: grpc.makeGenericClientConstructor(definitions[HEALTH], 'Health'),
};

class CaseFailure extends Error {}

function check(condition, message) {
  if (!condition) {
    throw new CaseFailure(message);
  }
}

// Keys sorted like Python's json.dumps(sort_keys=True), so that both clients print the same lines.
function sorted(value) {
  if (Array.isArray(value)) {
    return value.map(sorted);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted(value[k])]));
  }
  return value;
}

function result(kind, fields) {
  console.log('RESULT ' + JSON.stringify(sorted({ kind, ...fields })));
}

const runId = (prefix) => `js-${prefix}-${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const deadline = (ms) => new Date(Date.now() + ms);
const statusName = (code) => Object.keys(grpc.status).find((k) => grpc.status[k] === code) ?? String(code);
const delay = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// --- channels and calls -------------------------------------------------------------------------

class Client {
  constructor(target, tlsDir, name) {
    this.target = target;
    let credentials;
    const options = {};
    if (!tlsDir) {
      credentials = grpc.credentials.createInsecure();
    } else {
      const read = (file) => fs.readFileSync(path.join(tlsDir, file));
      credentials = name
        ? grpc.credentials.createSsl(read('ca.crt'), read(`${name}.key`), read(`${name}.crt`))
        : grpc.credentials.createSsl(read('ca.crt'));
      // The servers' certificates name localhost and 127.0.0.1.
      options['grpc.ssl_target_name_override'] = 'localhost';
    }
    this.stubs = Object.fromEntries(Object.entries(ClientFor).map(([service, Ctor]) => [service, new Ctor(target, credentials, options)]));
    this.credentials = credentials;
    this.options = options;
  }

  unary(service, method, request, timeoutMs = CALL_TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      this.stubs[service][method](request, new grpc.Metadata(), { deadline: deadline(timeoutMs) }, (error, response) => {
        if (error) {
          reject(error);
        } else {
          resolve(response);
        }
      });
    });
  }

  stream(service, method, request, timeoutMs = STREAM_TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      const messages = [];
      const call = this.stubs[service][method](request, new grpc.Metadata(), { deadline: deadline(timeoutMs) });
      call.on('data', (message) => messages.push(message));
      call.on('error', reject);
      call.on('end', () => resolve(messages));
    });
  }

  reflection(version) {
    const definition = reflectionDefinitions[version][`grpc.reflection.${version}.ServerReflection`];
    const Ctor = grpc.makeGenericClientConstructor(definition, 'ServerReflection');
    return new Ctor(this.target, this.credentials, this.options);
  }

  close() {
    for (const stub of Object.values(this.stubs)) {
      stub.close();
    }
  }
}

async function statusOf(thunk) {
  try {
    await thunk();
  } catch (error) {
    if (error instanceof CaseFailure || error.code === undefined) {
      throw error;
    }
    return { code: statusName(error.code), details: error.details ?? '' };
  }
  throw new CaseFailure('the call succeeded but was expected to fail');
}

async function waitServing(client, seconds) {
  // A server still starting refuses connections or answers NOT_SERVING: poll until SERVING or the deadline.
  const end = Date.now() + seconds * 1000;
  let last = 'no answer';
  for (;;) {
    try {
      const response = await client.unary(HEALTH, 'Check', { service: '' }, 5000);
      if (response.status === 'SERVING') {
        return;
      }
      last = response.status;
    } catch (error) {
      last = `${statusName(error.code)}: ${error.details}`;
    }
    if (Date.now() > end) {
      throw new CaseFailure(`${client.target} not SERVING after ${seconds}s (last: ${last})`);
    }
    await delay(100);
  }
}

// --- agent --------------------------------------------------------------------------------------

function fold(names) {
  return names.filter((name, i) => i === 0 || names[i - 1] !== name);
}

function jobEvents(events) {
  const percents = events.map((e) => e.job.percent);
  const sequences = events.map((e) => e.sequence);
  const last = events.at(-1)?.job;
  return {
    count: events.length,
    states: fold(events.map((e) => e.job.state)),
    terminal_count: events.filter((e) => TERMINAL_JOB_STATES.has(e.job.state)).length,
    distinct_percents: new Set(percents).size,
    max_percent: Math.max(0, ...percents),
    percent_non_decreasing: percents.every((p, i) => i === 0 || percents[i - 1] <= p),
    sequence_increasing: sequences.every((s, i) => i === 0 || sequences[i - 1] < s),
    bytes_done: last?.bytes_done ?? 0,
    bytes_total: last?.bytes_total ?? 0,
    job_ids: [...new Set(events.map((e) => e.job.id))].sort(),
  };
}

async function firstCollection(client) {
  const { collections } = await client.unary(AGENT, 'ListCollections', {});
  check(collections.length > 0, 'the agent lists no VM groups');
  return [...collections].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0];
}

async function snapshot(client, collection, label) {
  const events = await client.stream(AGENT, 'CreateSnapshot', {
    collection_id: collection.id, snapshot_type: 'SNAPSHOT_TYPE_RECOVERY', name: label, request_id: runId(label),
  });
  check(events.length > 0, 'CreateSnapshot streamed no event');
  return events;
}

const cases = {};

cases['agent-snapshot'] = async (args, client) => {
  const collection = await firstCollection(client);
  const events = await snapshot(client, collection, 'snap');
  const final = events.at(-1).job;
  result('snapshot', {
    collection: collection.id, events: jobEvents(events), job_id: final.id, snapshot_ids: final.result?.snapshot_ids ?? [],
    error: final.error?.summary ?? '',
  });
  check(final.state === 'JOB_STATE_COMPLETED', `snapshot job ended ${final.state}: ${JSON.stringify(final.error)}`);
  // The same job again by id: the terminal state first, then the stream ends with OK.
  const watched = await client.stream(AGENT, 'WatchJob', { job_id: final.id });
  result('watch', { events: jobEvents(watched) });
};

cases['agent-export'] = async (args, client) => {
  check(args.exportRoot, '--export-root is required');
  const snapshotEvents = await snapshot(client, await firstCollection(client), 'exp');
  check(snapshotEvents.at(-1).job.state === 'JOB_STATE_COMPLETED', `snapshot ended ${snapshotEvents.at(-1).job.state}`);
  const directory = path.join(args.exportRoot, runId('export'));
  const events = await client.stream(AGENT, 'ExportSnapshot', {
    snapshot_id: snapshotEvents.at(-1).job.result.snapshot_ids[0], export_directory: directory,
    settings: { copy_vm_storage: true }, request_id: runId('export'),
  });
  const final = events.at(-1).job;
  result('export', {
    directory, events: jobEvents(events), export_path: final.result?.export_path ?? '', manifest_path: final.result?.manifest_path ?? '',
    exported_files: final.result?.exported_files ?? 0, exported_bytes: final.result?.exported_bytes ?? 0, error: final.error?.summary ?? '',
  });
  check(final.state === 'JOB_STATE_COMPLETED', `export job ended ${final.state}: ${JSON.stringify(final.error)}`);
  check(fs.existsSync(final.result.manifest_path), `no manifest at ${final.result.manifest_path}`);
};

cases['agent-errors'] = async (args, client) => {
  const collection = await firstCollection(client);
  const calls = {
    'CreateSnapshot/no-target': () => client.stream(AGENT, 'CreateSnapshot', { snapshot_type: 'SNAPSHOT_TYPE_RECOVERY' }),
    'CreateSnapshot/no-type': () => client.stream(AGENT, 'CreateSnapshot', { collection_id: collection.id }),
    'CreateSnapshot/unknown-collection': () => client.stream(AGENT, 'CreateSnapshot', { collection_id: randomUUID(), snapshot_type: 'SNAPSHOT_TYPE_RECOVERY' }),
    'ExportSnapshot/no-directory': () => client.stream(AGENT, 'ExportSnapshot', { snapshot_id: randomUUID() }),
    'GetJob/unknown': () => client.unary(AGENT, 'GetJob', { job_id: randomUUID() }),
    'WatchJob/unknown': () => client.stream(AGENT, 'WatchJob', { job_id: randomUUID() }),
  };
  for (const [call, thunk] of Object.entries(calls)) {
    result('status', { call, ...await statusOf(thunk) });
  }
};

cases['agent-mtls'] = async (args) => {
  check(args.tlsDir, '--tls-dir is required');
  const viewer = new Client(args.target, args.tlsDir, 'viewer');
  const ops = new Client(args.target, args.tlsDir, 'ops');
  const anonymous = new Client(args.target, args.tlsDir, null);
  try {
    const info = await viewer.unary(AGENT, 'GetHostInfo', {});
    result('host-info', { caller: 'viewer', certificate_subject: info.certificate?.subject ?? '', backend: info.backend });
    const collection = await firstCollection(ops);
    result('status', { call: 'CreateSnapshot/viewer', ...await statusOf(() => snapshot(viewer, collection, 'viewer')) });
    const events = await snapshot(ops, collection, 'ops');
    result('snapshot', { caller: 'ops', events: jobEvents(events), snapshot_ids: events.at(-1).job.result?.snapshot_ids ?? [] });
    result('status', { call: 'GetHostInfo/no-certificate', ...await statusOf(() => anonymous.unary(AGENT, 'GetHostInfo', {}, 10_000)) });
  } finally {
    for (const c of [viewer, ops, anonymous]) {
      c.close();
    }
  }
};

// --- orchestrator -------------------------------------------------------------------------------

async function waitReachable(client, hosts, seconds) {
  // The orchestrator plans only over hosts it can reach: poll ListHosts(refresh) until `hosts` are.
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const listed = await client.unary(FLEET, 'ListHosts', { selector: { all: true }, refresh: true });
    const reachable = listed.hosts.filter((h) => h.reachability === 'REACHABILITY_REACHABLE').map((h) => h.name);
    if (reachable.length >= hosts) {
      return listed.hosts;
    }
    if (Date.now() > end) {
      throw new CaseFailure(`only ${reachable} reachable after ${seconds}s: ${listed.hosts.map((h) => `${h.name}: ${h.error}`).join('; ')}`);
    }
    await delay(200);
  }
}

async function watch(client, operationId) {
  const events = await client.stream(FLEET, 'WatchOperation', { operation_id: operationId });
  check(events.length > 0, 'WatchOperation streamed no event');
  check(events.at(-1).operation, 'the last WatchOperation event does not carry the whole operation');
  return { events, operation: events.at(-1).operation };
}

function operationSummary(events, operation) {
  return {
    id: operation.id,
    state: operation.state,
    events: events.length,
    first_has_operation: Boolean(events[0].operation),
    task_events: events.filter((e) => e.task).length,
    event_states: fold(events.map((e) => e.state)),
    tasks: operation.tasks.map((t) => ({
      host: t.host_name, target: t.target_name, outcome: t.outcome, snapshot_ids: t.snapshot_ids, export_path: t.export_path,
      error: t.error?.summary ?? '',
    })),
    message: operation.message,
  };
}

cases['fleet-snapshot-export'] = async (args, client) => {
  check(args.exportRoot, '--export-root is required');
  const hosts = await waitReachable(client, args.hosts, args.wait);
  result('hosts', { names: hosts.map((h) => h.name).sort() });
  let started = await client.unary(FLEET, 'StartFleetSnapshot', {
    hosts: { all: true }, targets: { all_collections: true }, snapshot_type: 'SNAPSHOT_TYPE_RECOVERY', request_id: runId('fleet-snap'),
  });
  let { events, operation } = await watch(client, started.operation.id);
  result('fleet-snapshot', { started_state: started.operation.state, ...operationSummary(events, operation) });
  check(operation.state === 'OPERATION_STATE_SUCCEEDED', `snapshot operation ended ${operation.state}`);

  started = await client.unary(FLEET, 'StartFleetExport', {
    snapshot_operation_id: operation.id, destination_template: path.join(args.exportRoot, 'js-{operation}', '{host}', '{target}'),
    settings: { copy_vm_storage: true }, request_id: runId('fleet-export'),
  });
  ({ events, operation } = await watch(client, started.operation.id));
  result('fleet-export', { started_state: started.operation.state, ...operationSummary(events, operation) });
  check(operation.state === 'OPERATION_STATE_SUCCEEDED', `export operation ended ${operation.state}`);
};

cases['fleet-errors'] = async (args, client) => {
  const calls = {
    'GetOperation/unknown': () => client.unary(FLEET, 'GetOperation', { operation_id: 'no-such-op' }),
    'WatchOperation/unknown': () => client.stream(FLEET, 'WatchOperation', { operation_id: 'no-such-op' }),
    'StartFleetSnapshot/bad-type': () => client.unary(FLEET, 'StartFleetSnapshot', { hosts: { all: true }, snapshot_type: 99, dry_run: true }),
    'StartFleetExport/unknown-operation': () => client.unary(FLEET, 'StartFleetExport', { snapshot_operation_id: 'no-such-op', destination_template: '/tmp/{host}' }),
    'ListOperations/negative-page': () => client.unary(FLEET, 'ListOperations', { page_size: -1 }),
  };
  for (const [call, thunk] of Object.entries(calls)) {
    result('status', { call, ...await statusOf(thunk) });
  }
};

cases['fleet-mtls'] = async (args) => {
  check(args.tlsDir, '--tls-dir is required');
  const viewer = new Client(args.target, args.tlsDir, 'viewer');
  const ops = new Client(args.target, args.tlsDir, 'ops');
  const anonymous = new Client(args.target, args.tlsDir, null);
  const request = { hosts: { all: true }, dry_run: true };
  try {
    const listed = await viewer.unary(FLEET, 'ListHosts', { selector: { all: true } });
    result('hosts', { caller: 'viewer', names: listed.hosts.map((h) => h.name).sort() });
    result('status', { call: 'StartFleetSnapshot/viewer', ...await statusOf(() => viewer.unary(FLEET, 'StartFleetSnapshot', request)) });
    const planned = (await ops.unary(FLEET, 'StartFleetSnapshot', request)).operation;
    result('dry-run', { caller: 'ops', state: planned.state, tasks: planned.tasks.length });
    result('status', { call: 'ListHosts/no-certificate', ...await statusOf(() => anonymous.unary(FLEET, 'ListHosts', {}, 10_000)) });
  } finally {
    for (const c of [viewer, ops, anonymous]) {
      c.close();
    }
  }
};

// --- reflection ---------------------------------------------------------------------------------

// One ServerReflectionInfo stream with one request: its single answer.
function reflect(client, version, request) {
  const stub = client.reflection(version);
  return new Promise((resolve, reject) => {
    const call = stub.ServerReflectionInfo(new grpc.Metadata(), { deadline: deadline(CALL_TIMEOUT_MS) });
    let answer;
    call.on('data', (message) => {
      answer = message;
      call.end();
    });
    call.on('error', (error) => {
      stub.close();
      reject(error);
    });
    call.on('end', () => {
      stub.close();
      if (answer) {
        resolve(answer);
      } else {
        reject(new CaseFailure('the reflection stream ended without an answer'));
      }
    });
    call.write(request);
  });
}

function localMethods(service) {
  const definition = definitions[service];
  check(definition, `no local proto declares ${service}`);
  return Object.keys(definition).sort();
}

async function describe(client, version, service) {
  // file_containing_symbol(service), then file_by_filename for any dependency not sent along; links the
  // files into one protobufjs root (proving they are complete) and returns the service's method names.
  const files = new Map();
  const add = (answer, asked) => {
    check(answer.message_response === 'file_descriptor_response',
      `${asked} gave ${answer.message_response}: ${answer.error_response?.error_message ?? ''}`);
    for (const raw of answer.file_descriptor_response.file_descriptor_proto) {
      const file = descriptor.FileDescriptorProto.decode(raw);
      files.set(file.name, file);
    }
  };
  add(await reflect(client, version, { file_containing_symbol: service }), `file_containing_symbol(${service})`);
  for (let missing = [...files.values()].flatMap((f) => f.dependency); missing.length > 0;) {
    const name = missing.pop();
    if (!files.has(name)) {
      add(await reflect(client, version, { file_by_filename: name }), `file_by_filename(${name})`);
      missing = missing.concat(files.get(name)?.dependency ?? []);
    }
  }
  const root = protobuf.Root.fromDescriptor({ file: [...files.values()] });
  root.resolveAll();
  const found = root.lookupService(service);
  return { methods: Object.keys(found.methods).sort(), files: [...files.keys()].sort() };
}

cases.reflection = async (args, client) => {
  check(args.service.length > 0, '--service is required');
  const answered = [];
  for (const version of ['v1', 'v1alpha']) {
    let listed;
    try {
      listed = await reflect(client, version, { list_services: '' });
    } catch (error) {
      if (error instanceof CaseFailure) {
        throw error;
      }
      result('reflection', { version, answered: false, code: statusName(error.code), details: error.details ?? '' });
      continue;
    }
    const services = listed.list_services_response.service.map((s) => s.name).sort();
    const described = {};
    const problems = [];
    for (const service of args.service) {
      if (!services.includes(service)) {
        problems.push(`${service} not listed`);
        continue;
      }
      let found;
      try {
        found = await describe(client, version, service);
      } catch (error) {
        problems.push(`${service}: ${error.message}`);
        continue;
      }
      const expected = localMethods(service);
      described[service] = { methods: found.methods, expected, files: found.files };
      if (JSON.stringify(found.methods) !== JSON.stringify(expected)) {
        problems.push(`${service} methods ${found.methods} differ from the proto's ${expected}`);
      }
    }
    result('reflection', { version, answered: true, services, described, problems });
    if (problems.length === 0) {
      answered.push(version);
    }
  }
  console.log(`reflection versions that list and describe everything: ${answered.join(', ') || 'none'}`);
  check(answered.length > 0, 'no reflection version listed and described every service');
};

// --- main ---------------------------------------------------------------------------------------

function parseArgs(argv) {
  const args = { case: argv[0], target: '', tlsDir: '', name: 'ops', exportRoot: '', hosts: 1, service: [], wait: 60 };
  for (let i = 1; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    check(value !== undefined, `${flag} needs a value`);
    switch (flag) {
      case '--target': args.target = value; break;
      case '--tls-dir': args.tlsDir = value; break;
      case '--as': args.name = value; break;
      case '--export-root': args.exportRoot = value; break;
      case '--hosts': args.hosts = Number(value); break;
      case '--service': args.service.push(value); break;
      case '--wait': args.wait = Number(value); break;
      default: throw new CaseFailure(`unknown argument ${flag}`);
    }
  }
  check(args.case in cases, `CASE must be one of ${Object.keys(cases).join(', ')}`);
  check(args.target, '--target is required');
  return args;
}

let exitCode = 0;
let args;
let client;
try {
  args = parseArgs(process.argv.slice(2));
  client = new Client(args.target, args.tlsDir, args.tlsDir ? args.name : null);
  await waitServing(client, args.wait);
  await cases[args.case](args, client);
  console.log('ALL OK');
} catch (error) {
  const detail = error.code !== undefined ? `${statusName(error.code)}: ${error.details}` : error.message;
  console.log(`FAIL ${args?.case ?? ''}: ${detail}`);
  exitCode = 1;
} finally {
  client?.close();
}
process.exitCode = exitCode;
