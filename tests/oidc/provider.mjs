// A real OpenID provider (the `oidc-provider` package) for the odoo-mcp OAuth tests.
//
// Usage: node provider.mjs [port]        (or OIDC_PORT=...; 0 / unset = any free port)
// Env:   OIDC_SHORT_TTL   seconds a token of the `test-client-short` client lives (default 1)
//        OIDC_EXIT_ON_STDIN_EOF=1  exit when stdin closes (set by the Rust launcher)
//
// Listens on 127.0.0.1 only. When ready it prints ONE JSON line on stdout:
//   {"ready":true,"port":N,"issuer":"http://127.0.0.1:N","introspection_endpoint":"...", ...}
// Everything else (oidc-provider notices, warnings) goes to stderr, so stdout stays parseable.
//
// Clients (all confidential, client_secret_basic or client_secret_post):
//   odoo-mcp-introspector / introspector-secret  the resource server's service client (introspection)
//   test-client / test-client-secret              gets access tokens by client_credentials + `resource`
//   test-client-short / test-client-short-secret  same, tokens expire after OIDC_SHORT_TTL seconds
// The service client also signs people in (authorization code + PKCE) for odoo-mcp's enrollment
// page, redirecting to http://odoo-mcp.test/enroll/callback or any URL of OIDC_REDIRECT_URIS
// (comma-separated). Sign-in is oidc-provider's own development form: any login and password; the
// account's `sub` and `preferred_username` are the login, its `email` login@example.com.
// Any absolute http(s) URL is accepted as a `resource`; the token's `aud` is that URL. Tokens are
// opaque (JWT access tokens cannot be introspected by oidc-provider).
//
// Test hooks (not part of OIDC):
//   GET  /test/introspections        -> {"count": N}  introspection requests seen so far
//   POST /test/reset                 -> zeroes the counter and the delay
//   POST /test/delay?ms=N            -> answer introspection requests only after N ms
//   POST /test/token?sub=S&resource=R -> {"access_token": ...}: a 600 s token of account S for R

import http from 'node:http';
import process from 'node:process';

import Provider from 'oidc-provider';

// oidc-provider prints notices with console.info (stdout); stdout is reserved for the ready line.
console.info = (...args) => console.error(...args);
console.log = (...args) => console.error(...args);

const requestedPort = Number.parseInt(process.argv[2] ?? process.env.OIDC_PORT ?? '0', 10);
if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
  console.error(`provider.mjs: bad port ${process.argv[2] ?? process.env.OIDC_PORT}; give 0..65535`);
  process.exit(2);
}
const shortTtl = Number.parseInt(process.env.OIDC_SHORT_TTL ?? '1', 10);
if (!Number.isInteger(shortTtl) || shortTtl < 1) {
  console.error(`provider.mjs: bad OIDC_SHORT_TTL ${process.env.OIDC_SHORT_TTL}; give whole seconds >= 1`);
  process.exit(2);
}

const INTROSPECTOR = { id: 'odoo-mcp-introspector', secret: 'introspector-secret' };
const TEST_CLIENT = { id: 'test-client', secret: 'test-client-secret' };
const SHORT_CLIENT = { id: 'test-client-short', secret: 'test-client-short-secret' };
const LONG_TTL = 600;

let introspections = 0;
let introspectionDelayMs = 0;

// The issuer contains the port, so bind first and build the provider once the port is known.
const server = http.createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(requestedPort, '127.0.0.1', resolve);
});
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const redirects = ['http://odoo-mcp.test/enroll/callback',
  ...(process.env.OIDC_REDIRECT_URIS ?? '').split(',').map((u) => u.trim()).filter(Boolean)];

const provider = new Provider(issuer, {
  clients: [INTROSPECTOR, TEST_CLIENT, SHORT_CLIENT].map(({ id, secret }) => {
    const signsIn = id === INTROSPECTOR.id;
    return {
      client_id: id,
      client_secret: secret,
      grant_types: signsIn ? ['client_credentials', 'authorization_code'] : ['client_credentials'],
      response_types: signsIn ? ['code'] : [],
      redirect_uris: signsIn ? redirects : [],
      token_endpoint_auth_method: 'client_secret_basic',
    };
  }),
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, preferred_username: id, email: `${id}@example.com` };
      },
    };
  },
  claims: { openid: ['sub'], email: ['email'], profile: ['preferred_username'] },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Every absolute http(s) URL is a resource server; its tokens are opaque so that they can be
      // introspected, and their audience is the resource itself.
      async getResourceServerInfo(_ctx, resourceIndicator, client) {
        const url = URL.canParse(resourceIndicator) ? new URL(resourceIndicator) : null;
        if (!url || !['http:', 'https:'].includes(url.protocol)) {
          throw new Provider.errors.InvalidTarget('resource must be an absolute http(s) URL');
        }
        return {
          scope: 'mcp',
          audience: resourceIndicator,
          accessTokenFormat: 'opaque',
          accessTokenTTL: client.clientId === SHORT_CLIENT.id ? shortTtl : LONG_TTL,
        };
      },
    },
  },
  scopes: ['mcp'],
  ttl: {
    ClientCredentials(_ctx, token, client) {
      return client.clientId === SHORT_CLIENT.id
        ? shortTtl
        : token.resourceServer?.accessTokenTTL ?? LONG_TTL;
    },
  },
});
provider.proxy = false;
provider.on('server_error', (_ctx, err) => console.error('provider server_error:', err));

const callback = provider.callback();
server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === '/test/introspections' && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ count: introspections }));
    return;
  }
  if (url.pathname === '/test/reset' && req.method === 'POST') {
    introspections = 0;
    introspectionDelayMs = 0;
    res.writeHead(204).end();
    return;
  }
  if (url.pathname === '/test/delay' && req.method === 'POST') {
    const ms = Number.parseInt(url.searchParams.get('ms') ?? '', 10);
    if (!Number.isInteger(ms) || ms < 0) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('give ?ms=<non-negative integer>');
      return;
    }
    introspectionDelayMs = ms;
    res.writeHead(204).end();
    return;
  }
  if (url.pathname === '/test/token' && req.method === 'POST') {
    const sub = url.searchParams.get('sub');
    const resource = url.searchParams.get('resource');
    if (!sub || !resource) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('give ?sub=<account>&resource=<url>');
      return;
    }
    const client = await provider.Client.find(TEST_CLIENT.id);
    const token = new provider.AccessToken({ accountId: sub, client, scope: 'mcp', gty: 'authorization_code' });
    token.resourceServer = new provider.ResourceServer(resource, {
      audience: resource, scope: 'mcp', accessTokenFormat: 'opaque', accessTokenTTL: LONG_TTL,
    });
    const value = await token.save();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: value }));
    return;
  }
  if (url.pathname === '/token/introspection') {
    introspections += 1;
    if (introspectionDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, introspectionDelayMs));
    }
  }
  callback(req, res);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The Rust launcher holds our stdin open; when it goes away (even a test process killed with
// SIGKILL, which skips kill_on_drop), so do we. Opt-in, so a hand-started provider keeps running.
if (process.env.OIDC_EXIT_ON_STDIN_EOF === '1') {
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}

const discovery = `${issuer}/.well-known/openid-configuration`;
process.stdout.write(`${JSON.stringify({
  ready: true,
  port,
  issuer,
  discovery,
  token_endpoint: `${issuer}/token`,
  introspection_endpoint: `${issuer}/token/introspection`,
  revocation_endpoint: `${issuer}/token/revocation`,
})}\n`);
