// A grpc.testing.TestService server on @grpc/grpc-js, for HvFleet's C# client to call.
//
//   node test-server.mjs [--port=0] [--tls_cert=cert.pem --tls_key=key.pem]
//
// Binds 127.0.0.1 (h2c, or TLS with the given PEM certificate and key), prints "LISTENING <port>" once ready and serves until stdin closes or
// SIGTERM/SIGINT. Implements echo metadata, echo status and interval_us like the interop spec;
// UnimplementedCall stays unimplemented. (grpc-js cannot compress responses per call.)
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const here = path.dirname(fileURLToPath(import.meta.url));
const protoRoot = path.resolve(here, '../protos');

const options = { port: '0', tls_cert: '', tls_key: '' };
for (const arg of process.argv.slice(2)) {
  const m = /^--(port|tls_cert|tls_key)=(.+)$/.exec(arg);
  if (!m) {
    console.error(`test-server: unknown argument '${arg}' (expected --port=N, --tls_cert=FILE, --tls_key=FILE)`);
    process.exit(2);
  }
  options[m[1]] = m[2];
}
if (!/^\d+$/.test(options.port) || Boolean(options.tls_cert) !== Boolean(options.tls_key)) {
  console.error('test-server: --port must be a number; --tls_cert and --tls_key go together');
  process.exit(2);
}
const port = Number(options.port);
const serverCredentials = options.tls_cert
  ? grpc.ServerCredentials.createSsl(null, [{ private_key: fs.readFileSync(options.tls_key), cert_chain: fs.readFileSync(options.tls_cert) }], false)
  : grpc.ServerCredentials.createInsecure();

const packageDefinition = protoLoader.loadSync('src/proto/grpc/testing/test.proto', {
  includeDirs: [protoRoot],
  keepCase: true,
  defaults: true,
  enums: String,
});
const testing = grpc.loadPackageDefinition(packageDefinition).grpc.testing;

const ECHO_INITIAL = 'x-grpc-test-echo-initial';
const ECHO_TRAILING = 'x-grpc-test-echo-trailing-bin';

// Sends the echoed initial metadata and returns the trailers to send at the end.
function echoMetadata(call) {
  const initial = new grpc.Metadata();
  for (const v of call.metadata.get(ECHO_INITIAL)) {
    initial.add(ECHO_INITIAL, v);
  }
  if (initial.get(ECHO_INITIAL).length > 0) {
    call.sendMetadata(initial);
  }
  const trailing = new grpc.Metadata();
  for (const v of call.metadata.get(ECHO_TRAILING)) {
    trailing.add(ECHO_TRAILING, v);
  }
  return trailing;
}

function statusError(echoStatus, trailing) {
  if (echoStatus && echoStatus.code !== 0) {
    return { code: echoStatus.code, details: echoStatus.message, metadata: trailing };
  }
  return null;
}

const payload = (size) => ({ type: 'COMPRESSABLE', body: Buffer.alloc(size) });

async function writeResponses(call, request) {
  for (const p of request.response_parameters) {
    if (p.interval_us > 0) {
      await sleep(p.interval_us / 1000);
    }
    if (call.cancelled) {
      return;
    }
    call.write({ payload: payload(p.size) });
  }
}

const service = {
  EmptyCall(call, callback) {
    const trailing = echoMetadata(call);
    callback(null, {}, trailing);
  },

  UnaryCall(call, callback) {
    const trailing = echoMetadata(call);
    const error = statusError(call.request.response_status, trailing);
    if (error) {
      callback(error);
      return;
    }
    callback(null, { payload: payload(call.request.response_size) }, trailing);
  },

  CacheableUnaryCall(call, callback) {
    service.UnaryCall(call, callback);
  },

  async StreamingOutputCall(call) {
    const trailing = echoMetadata(call);
    await writeResponses(call, call.request);
    const error = statusError(call.request.response_status, trailing);
    if (error) {
      call.emit('error', error);
    } else {
      call.end(trailing);
    }
  },

  StreamingInputCall(call, callback) {
    const trailing = echoMetadata(call);
    let total = 0;
    call.on('data', (m) => { total += m.payload ? m.payload.body.length : 0; });
    call.on('end', () => callback(null, { aggregated_payload_size: total }, trailing));
    call.on('error', () => { /* cancelled by the client */ });
  },

  FullDuplexCall(call) {
    const trailing = echoMetadata(call);
    let chain = Promise.resolve();
    let failed = false;
    call.on('data', (request) => {
      chain = chain.then(async () => {
        if (failed) {
          return;
        }
        const error = statusError(request.response_status, trailing);
        if (error) {
          failed = true;
          call.emit('error', error);
          return;
        }
        await writeResponses(call, request);
      });
    });
    call.on('end', () => {
      chain.then(() => {
        if (!failed) {
          call.end(trailing);
        }
      });
    });
    call.on('error', () => { /* cancelled by the client */ });
  },

  HalfDuplexCall(call) {
    const trailing = echoMetadata(call);
    const requests = [];
    call.on('data', (r) => requests.push(r));
    call.on('end', async () => {
      for (const r of requests) {
        await writeResponses(call, r);
      }
      call.end(trailing);
    });
    call.on('error', () => { /* cancelled by the client */ });
  },
};

const server = new grpc.Server();
server.addService(testing.TestService.service, service);
server.bindAsync(`127.0.0.1:${port}`, serverCredentials, (err, boundPort) => {
  if (err) {
    console.error(`test-server: bind failed: ${err.message}`);
    process.exit(1);
  }
  console.log(`LISTENING ${boundPort}`);
});

const stop = () => server.tryShutdown(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
