// A real OpenID provider for the tests: the certified `oidc-provider` package, configured
// for what the services expect. Never deployed. Environment:
//   PORT          where it listens on 127.0.0.1 (required)
//   ISSUER        its issuer identifier (default http://127.0.0.1:PORT)
//   API_AUDIENCE  the resource (aud) an access token is for when none is asked (default
//                 https://breakthrough.test/api); any other absolute URL may be asked for
//   EXIT_WITH_STDIN  when set, exit as soon as stdin closes (the harness's pipe)
//
// Access tokens are always JWTs (RFC 9068) for one resource, signed by the current key.
// - Client credentials: a client registered at /reg carries `access_token_claims` (an
//   object merged into its access tokens; a `sub` in it replaces the client id, an `aud`
//   the resource, so a test can make a token for several audiences) and
//   `access_token_ttl` (seconds, default 300).
// - Authorization code with PKCE (required): accounts below sign in at /interaction/:uid
//   (username, any password), then consent; their access tokens carry preferred_username,
//   name, roles, realm_access.roles and unit. A client allowed the refresh_token grant gets
//   a refresh token with them (as Keycloak's standard flow does, without offline_access);
//   a public client's is rotated on each use. Its `access_token_ttl` applies here too.
// Test-only routes: POST /test/rotate (sign with the next key, published from now on),
// POST /test/accounts (add or replace an account), GET /test/counters (requests served).
import * as crypto from 'node:crypto';

import Provider, { errors } from 'oidc-provider';

import { interactionRoute } from './interactions.mjs';

const PORT = Number(process.env.PORT);
const ISSUER = process.env.ISSUER || `http://127.0.0.1:${PORT}`;
const API_AUDIENCE = process.env.API_AUDIENCE || 'https://breakthrough.test/api';

// The first key signs from the start; each rotation publishes the next and signs with it
// (the older keys stay published, as in a real rotation).
const PLAN = [
  ['RS256', 'rsa', { modulusLength: 2048 }],
  ['ES256', 'ec', { namedCurve: 'P-256' }],
  ['PS256', 'rsa', { modulusLength: 2048 }],
  ['ES384', 'ec', { namedCurve: 'P-384' }],
  ['EdDSA', 'ed25519', {}],
  ['ES512', 'ec', { namedCurve: 'P-521' }],
];
const KEYS = PLAN.map(([alg, type, options], index) => ({
  ...crypto.generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' }),
  alg,
  use: 'sig',
  kid: `key-${index}-${crypto.randomBytes(6).toString('hex')}`,
}));
let signing = 0;

export const ACCOUNTS = new Map(Object.entries({
  hung: { name: 'Phạm Quang Hưng', roles: ['registrant'], unit: 'kim-thanh' },
  'thu-ky': { name: 'Thư ký Ban Thường vụ Tỉnh ủy', roles: ['approver'] },
  'nhan-vien': { name: 'Nhân viên Văn phòng Tỉnh ủy', roles: ['viewer'] },
  'quan-tri': { name: 'Quản trị hệ thống', roles: ['admin'] },
}));

function accountClaims(username) {
  const { name, roles, realmRoles, unit } = ACCOUNTS.get(username);
  return {
    preferred_username: username,
    name,
    roles,
    realm_access: { roles: realmRoles ?? roles },
    ...(unit ? { unit } : {}),
  };
}

const counters = { discovery: 0, jwks: 0, token: 0 };

const provider = new Provider(ISSUER, {
  jwks: { keys: KEYS },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], profile: ['preferred_username', 'name'] },
  async findAccount(ctx, username) {
    if (!ACCOUNTS.has(username)) return undefined;
    return {
      accountId: username,
      claims: async () => ({ sub: username, ...accountClaims(username) }),
    };
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    registration: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx, client, oneOf) => oneOf ?? API_AUDIENCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (ctx, resource, client) => ({
        scope: 'api',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: client?.access_token_ttl ?? 300,
        jwt: { sign: { alg: KEYS[signing].alg, kid: KEYS[signing].kid } },
      }),
    },
  },
  extraClientMetadata: {
    properties: ['access_token_claims', 'access_token_ttl'],
    validator(ctx, key, value) {
      if (value === undefined) return;
      if (key === 'access_token_claims' && (typeof value !== 'object' || Array.isArray(value))) {
        throw new errors.InvalidClientMetadata('access_token_claims must be an object');
      }
      if (key === 'access_token_ttl' && !(Number.isInteger(value) && value > 0)) {
        throw new errors.InvalidClientMetadata('access_token_ttl must be a positive integer');
      }
    },
  },
  async extraTokenClaims(ctx, token) {
    if (token.kind === 'ClientCredentials') {
      const { sub, aud, ...claims } = token.client?.access_token_claims ?? {};
      return claims;
    }
    return token.accountId && ACCOUNTS.has(token.accountId)
      ? accountClaims(token.accountId) : undefined;
  },
  formats: {
    customizers: {
      async jwt(ctx, token, jwt) {
        if (token.kind !== 'ClientCredentials') return;
        const { sub, aud } = token.client?.access_token_claims ?? {};
        if (sub !== undefined) jwt.payload.sub = sub;
        if (aud !== undefined) jwt.payload.aud = aud;
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  pkce: { required: () => true },
  ttl: {
    AccessToken: (ctx, token) => token.resourceServer?.accessTokenTTL ?? 300,
    ClientCredentials: (ctx, token) => token.resourceServer?.accessTokenTTL ?? 300,
    AuthorizationCode: 60,
    Grant: 3600,
    IdToken: 300,
    Interaction: 600,
    Session: 3600,
  },
});

async function readJson(ctx) {
  let text = '';
  for await (const chunk of ctx.req) text += chunk;
  return text ? JSON.parse(text) : {};
}

async function testRoute(ctx) {
  if (ctx.method === 'GET' && ctx.path === '/test/counters') {
    ctx.body = counters;
  } else if (ctx.method === 'POST' && ctx.path === '/test/rotate') {
    if (signing + 1 >= KEYS.length) ctx.throw(409, 'no spare key left to rotate to');
    signing += 1;
    ctx.body = { kid: KEYS[signing].kid, alg: KEYS[signing].alg };
  } else if (ctx.method === 'POST' && ctx.path === '/test/accounts') {
    const { username, name, roles = [], realm_roles: realmRoles, unit } = await readJson(ctx);
    if (typeof username !== 'string' || !username) ctx.throw(400, 'username is required');
    ACCOUNTS.set(username, { name: name ?? username, roles, realmRoles, unit });
    ctx.body = { username, ...accountClaims(username) };
  } else {
    ctx.throw(404, 'no such test route');
  }
}

provider.use(async (ctx, next) => {
  if (ctx.path.startsWith('/test/')) return testRoute(ctx);
  if (ctx.path.startsWith('/interaction/')) return interactionRoute(provider, ctx, ACCOUNTS);
  if (ctx.path === '/.well-known/openid-configuration') counters.discovery += 1;
  if (ctx.path === '/token') counters.token += 1;
  if (ctx.path !== '/jwks') return next();
  counters.jwks += 1;
  await next();
  const published = new Set(KEYS.slice(0, signing + 1).map((key) => key.kid));
  ctx.body = { keys: ctx.body.keys.filter((key) => published.has(key.kid)) };
  return undefined;
});

// The test harness gives it a pipe as stdin: when the harness goes, so does the provider.
if (process.env.EXIT_WITH_STDIN) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

provider.listen(PORT, '127.0.0.1', () => {
  console.log(`oidc-provider ${ISSUER} listening on 127.0.0.1:${PORT}`);
});
