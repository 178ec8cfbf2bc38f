// gRPC interop client on @grpc/grpc-js: runs the cases of the public interop test description
// against a grpc.testing.TestService server (HvFleet's interop server in CI).
//
//   node interop-client.mjs --server_port=PORT [--server_host=127.0.0.1] [--test_case=a,b]
//                           [--use_tls=true --ca_file=server.pem]
//
// Prints one line per case, "PASS <case>" or "FAIL <case>: <reason>", then "N passed, N failed",
// and exits 1 if any case failed.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const here = path.dirname(fileURLToPath(import.meta.url));
const protoRoot = path.resolve(here, '../protos');

function parseArgs(argv) {
  const args = { server_host: '127.0.0.1', server_port: '', test_case: 'all', use_tls: 'false', ca_file: '' };
  for (const arg of argv) {
    const m = /^--([a-z_]+)=(.*)$/.exec(arg);
    if (!m || !(m[1] in args)) {
      throw new Error(`unknown argument '${arg}' (expected --server_host=, --server_port=, --test_case=, --use_tls=, --ca_file=)`);
    }
    args[m[1]] = m[2];
  }
  if (!/^\d+$/.test(args.server_port)) {
    throw new Error('--server_port=PORT is required');
  }
  if (args.use_tls === 'true' && !args.ca_file) {
    throw new Error('--use_tls=true needs --ca_file=FILE');
  }
  return args;
}

const packageDefinition = protoLoader.loadSync('src/proto/grpc/testing/test.proto', {
  includeDirs: [protoRoot],
  keepCase: true,
  defaults: true,
  enums: String,
});
const testing = grpc.loadPackageDefinition(packageDefinition).grpc.testing;

const CALL_TIMEOUT_MS = 15000;
const deadline = (ms = CALL_TIMEOUT_MS) => new Date(Date.now() + ms);

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function zeros(n) {
  return Buffer.alloc(n);
}

function unary(client, method, request, options = {}, metadata = new grpc.Metadata()) {
  return new Promise((resolve, reject) => {
    const call = client[method](request, metadata, { deadline: deadline(), ...options }, (err, response) => {
      if (err) {
        reject(err);
      } else {
        resolve({ response, call });
      }
    });
  });
}

// Resolves with the status event of a call that is expected to fail; rejects if it succeeds.
function expectStatus(promise) {
  return promise.then(
    () => {
      throw new Error('call succeeded but an error status was expected');
    },
    (err) => {
      if (typeof err.code !== 'number') {
        throw err;
      }
      return err;
    },
  );
}

function codeName(code) {
  return Object.keys(grpc.status).find((k) => grpc.status[k] === code) ?? String(code);
}

function expectCode(err, code) {
  check(err.code === code, `expected status ${codeName(code)}, got ${codeName(err.code)} ("${err.details}")`);
}

// Reads one message (or end/error) from a readable call stream.
function nextMessage(call) {
  return new Promise((resolve, reject) => {
    const onData = (m) => { cleanup(); resolve(m); };
    const onEnd = () => { cleanup(); resolve(null); };
    const onError = (e) => { cleanup(); reject(e); };
    const cleanup = () => {
      call.off('data', onData);
      call.off('end', onEnd);
      call.off('error', onError);
      call.pause();
    };
    call.on('data', onData);
    call.on('end', onEnd);
    call.on('error', onError);
    call.resume();
  });
}

// Collects every message of a server stream and its final status.
function collect(call) {
  return new Promise((resolve, reject) => {
    const messages = [];
    let status = null;
    let ended = false;
    const finish = () => {
      if (ended && status) {
        resolve({ messages, status });
      }
    };
    call.on('data', (m) => messages.push(m));
    call.on('error', reject);
    call.on('status', (s) => { status = s; finish(); });
    call.on('end', () => { ended = true; finish(); });
  });
}

const REQUEST_SIZES = [27182, 8, 1828, 45904];
const RESPONSE_SIZES = [31415, 9, 2653, 58979];

const cases = {
  async empty_unary(c) {
    const { response } = await unary(c.test, 'EmptyCall', {});
    check(response && Object.keys(response).length === 0, 'response is not an Empty message');
  },

  async large_unary(c) {
    const { response } = await unary(c.test, 'UnaryCall', {
      response_type: 'COMPRESSABLE',
      response_size: 314159,
      payload: { body: zeros(271828) },
    });
    check(response.payload.body.length === 314159, `response payload is ${response.payload.body.length} bytes, expected 314159`);
    check(response.payload.body.every((b) => b === 0), 'response payload is not all zeros');
  },

  async server_streaming(c) {
    const call = c.test.StreamingOutputCall(
      { response_type: 'COMPRESSABLE', response_parameters: RESPONSE_SIZES.map((size) => ({ size })) },
      { deadline: deadline() },
    );
    const { messages, status } = await collect(call);
    check(status.code === grpc.status.OK, `status ${codeName(status.code)}`);
    const sizes = messages.map((m) => m.payload.body.length);
    check(JSON.stringify(sizes) === JSON.stringify(RESPONSE_SIZES), `sizes ${sizes}, expected ${RESPONSE_SIZES}`);
  },

  async client_streaming(c) {
    const response = await new Promise((resolve, reject) => {
      const call = c.test.StreamingInputCall({ deadline: deadline() }, (err, r) => (err ? reject(err) : resolve(r)));
      for (const size of REQUEST_SIZES) {
        call.write({ payload: { body: zeros(size) } });
      }
      call.end();
    });
    check(response.aggregated_payload_size === 74922, `aggregated size ${response.aggregated_payload_size}, expected 74922`);
  },

  async ping_pong(c) {
    const call = c.test.FullDuplexCall({ deadline: deadline() });
    call.pause();
    for (let i = 0; i < REQUEST_SIZES.length; i++) {
      call.write({
        response_type: 'COMPRESSABLE',
        response_parameters: [{ size: RESPONSE_SIZES[i] }],
        payload: { body: zeros(REQUEST_SIZES[i]) },
      });
      const m = await nextMessage(call);
      check(m !== null, `stream ended before response ${i + 1}`);
      check(m.payload.body.length === RESPONSE_SIZES[i], `response ${i + 1} is ${m.payload.body.length} bytes, expected ${RESPONSE_SIZES[i]}`);
    }
    call.end();
    const statusPromise = new Promise((resolve) => call.on('status', resolve));
    const last = await nextMessage(call);
    check(last === null, 'server sent an extra response');
    const status = await statusPromise;
    check(status.code === grpc.status.OK, `status ${codeName(status.code)}`);
  },

  async empty_stream(c) {
    const call = c.test.FullDuplexCall({ deadline: deadline() });
    call.end();
    const { messages, status } = await collect(call);
    check(messages.length === 0, `received ${messages.length} responses, expected none`);
    check(status.code === grpc.status.OK, `status ${codeName(status.code)}`);
  },

  async cancel_after_begin(c) {
    const err = await expectStatus(new Promise((resolve, reject) => {
      const call = c.test.StreamingInputCall({ deadline: deadline() }, (e, r) => (e ? reject(e) : resolve(r)));
      call.cancel();
    }));
    expectCode(err, grpc.status.CANCELLED);
  },

  async cancel_after_first_response(c) {
    const call = c.test.FullDuplexCall({ deadline: deadline() });
    call.pause();
    const statusPromise = new Promise((resolve) => call.on('status', resolve));
    call.on('error', () => { /* the status event carries the outcome */ });
    call.write({
      response_type: 'COMPRESSABLE',
      response_parameters: [{ size: 31415 }],
      payload: { body: zeros(27182) },
    });
    const first = await nextMessage(call);
    check(first !== null && first.payload.body.length === 31415, 'first response missing or of the wrong size');
    call.cancel();
    const status = await statusPromise;
    expectCode(status, grpc.status.CANCELLED);
  },

  async timeout_on_sleeping_server(c) {
    const call = c.test.FullDuplexCall({ deadline: deadline(1) });
    call.on('error', () => { /* the status event carries the outcome */ });
    const statusPromise = new Promise((resolve) => call.on('status', resolve));
    call.write({ response_type: 'COMPRESSABLE', payload: { body: zeros(27182) } });
    call.resume();
    const status = await statusPromise;
    expectCode(status, grpc.status.DEADLINE_EXCEEDED);
  },

  async custom_metadata(c) {
    const initialValue = 'test_initial_metadata_value';
    const trailingValue = Buffer.from([0xab, 0xab, 0xab]);
    const makeMetadata = () => {
      const md = new grpc.Metadata();
      md.set('x-grpc-test-echo-initial', initialValue);
      md.set('x-grpc-test-echo-trailing-bin', trailingValue);
      return md;
    };
    const checkEcho = (initial, trailing, where) => {
      const got = initial.get('x-grpc-test-echo-initial');
      check(got.length === 1 && got[0] === initialValue, `${where}: initial metadata echo is ${JSON.stringify(got)}`);
      const bin = trailing.get('x-grpc-test-echo-trailing-bin');
      check(bin.length === 1 && Buffer.compare(bin[0], trailingValue) === 0, `${where}: trailing metadata echo is ${JSON.stringify(bin)}`);
    };

    // Unary.
    await new Promise((resolve, reject) => {
      let initial = null;
      const call = c.test.UnaryCall(
        { response_type: 'COMPRESSABLE', response_size: 314159, payload: { body: zeros(271828) } },
        makeMetadata(),
        { deadline: deadline() },
        (err) => { if (err) { reject(err); } },
      );
      call.on('metadata', (md) => { initial = md; });
      call.on('status', (s) => {
        try {
          check(s.code === grpc.status.OK, `unary status ${codeName(s.code)}`);
          check(initial !== null, 'unary: no initial metadata');
          checkEcho(initial, s.metadata, 'unary');
          resolve();
        } catch (e) {
          reject(e);
        }
      });
    });

    // Full duplex.
    const call = c.test.FullDuplexCall(makeMetadata(), { deadline: deadline() });
    let initial = null;
    call.on('metadata', (md) => { initial = md; });
    call.write({ response_type: 'COMPRESSABLE', response_parameters: [{ size: 314159 }], payload: { body: zeros(271828) } });
    call.end();
    const { messages, status } = await collect(call);
    check(status.code === grpc.status.OK, `duplex status ${codeName(status.code)}`);
    check(messages.length === 1 && messages[0].payload.body.length === 314159, 'duplex: wrong responses');
    check(initial !== null, 'duplex: no initial metadata');
    checkEcho(initial, status.metadata, 'duplex');
  },

  async status_code_and_message(c) {
    const code = 2;
    const message = 'test status message';
    const err = await expectStatus(unary(c.test, 'UnaryCall', { response_status: { code, message } }));
    check(err.code === code && err.details === message, `unary: got ${err.code} "${err.details}"`);

    const call = c.test.FullDuplexCall({ deadline: deadline() });
    const outcome = new Promise((resolve) => {
      call.on('error', (e) => resolve(e));
      call.on('end', () => resolve(null));
    });
    call.on('data', () => {});
    call.write({ response_status: { code, message } });
    call.end();
    const e = await outcome;
    check(e !== null, 'duplex: call succeeded');
    check(e.code === code && e.details === message, `duplex: got ${e.code} "${e.details}"`);
  },

  async special_status_message(c) {
    const code = 2;
    const message = '\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \u{1F608}\t\n';
    const err = await expectStatus(unary(c.test, 'UnaryCall', { response_status: { code, message } }));
    check(err.code === code, `code ${err.code}`);
    check(err.details === message, `details ${JSON.stringify(err.details)}, expected ${JSON.stringify(message)}`);
  },

  async unimplemented_method(c) {
    const err = await expectStatus(unary(c.test, 'UnimplementedCall', {}));
    expectCode(err, grpc.status.UNIMPLEMENTED);
  },

  async unimplemented_service(c) {
    const err = await expectStatus(unary(c.unimplemented, 'UnimplementedCall', {}));
    expectCode(err, grpc.status.UNIMPLEMENTED);
  },
};

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const target = `${args.server_host}:${args.server_port}`;
  const names = args.test_case === 'all' ? Object.keys(cases) : args.test_case.split(',');
  for (const name of names) {
    if (!(name in cases)) {
      throw new Error(`unknown test case '${name}'; known: ${Object.keys(cases).join(', ')}`);
    }
  }

  const credentials = args.use_tls === 'true'
    ? grpc.credentials.createSsl(fs.readFileSync(args.ca_file))
    : grpc.credentials.createInsecure();
  const clients = {
    test: new testing.TestService(target, credentials),
    unimplemented: new testing.UnimplementedService(target, credentials),
  };

  let passed = 0;
  let failed = 0;
  for (const name of names) {
    try {
      await cases[name](clients);
      passed++;
      console.log(`PASS ${name}`);
    } catch (e) {
      failed++;
      const reason = (e && (e.message ?? String(e))) || 'unknown error';
      console.log(`FAIL ${name}: ${reason.replace(/\s+/g, ' ')}`);
    }
  }
  clients.test.close();
  clients.unimplemented.close();
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((e) => {
  console.error(`interop-client: ${e.message}`);
  process.exitCode = 2;
});
