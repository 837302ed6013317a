// A real OpenID Connect provider (node's oidc-provider) for the portal's sign-in tests.
//
// Started by the tests (portal/testing/oidc_provider.py), on 127.0.0.1 only:
//   PORT=9000 node provider.mjs
// The portal's callback is on a port the tests choose as they start (the live server), or on
// Django's test client's "testserver": any of them is accepted as the one redirect address.
// It signs ID tokens with an RSA key made at start (RS256, published at its JWKS address),
// and its login page checks the email and password of the accounts in accounts.json, each of
// which says which ways of proving who they are (`amr`) its sign-in reports.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
if (!port) {
  throw new Error('PORT is required');
}
const CALLBACK_PATH = '/accounts/oidc/callback/';
const accounts = JSON.parse(fs.readFileSync(new URL('./accounts.json', import.meta.url)));
const byEmail = new Map(Object.entries(accounts.people));
const bySub = new Map([...byEmail].map(([email, person]) => [person.sub, { email, ...person }]));

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', alg: 'RS256', use: 'sig' };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: accounts.client_id,
    client_secret: accounts.client_secret,
    redirect_uris: [`http://127.0.0.1${CALLBACK_PATH}`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  // amr and auth_time in every ID token, as Entra ID sends them: a claim is issued only when
  // a scope asked for names it.
  claims: {
    acr: null,
    amr: null,
    auth_time: null,
    iss: null,
    sid: null,
    openid: ['sub', 'amr', 'auth_time'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  features: { devInteractions: { enabled: false } },
  findAccount: async (ctx, sub) => {
    const person = bySub.get(sub);
    if (!person) return undefined;
    return {
      accountId: sub,
      claims: async () => ({ sub, email: person.email, email_verified: true, name: person.name }),
    };
  },
  // The portal is the organisation's own application: no consent screen, as Entra ID does for
  // an application the organisation's administrator has consented to.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const host = ['127.0.0.1', 'localhost'].includes(url.hostname) || url.host === 'testserver';
  return url.protocol === 'http:' && host && url.pathname === CALLBACK_PATH && !url.search;
};

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, message = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider: sign in</h1>${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="email">Email</label> <input id="email" name="email" autocomplete="username">
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in</button></form></main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(details.uid));
    return;
  }
  const form = await readForm(req);
  const person = byEmail.get((form.get('email') || '').trim().toLowerCase());
  if (!person || form.get('password') !== accounts.password) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(details.uid, 'Wrong email or password.'));
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: person.sub, amr: person.amr } },
    { mergeWithLastSubmission: false },
  );
}

const handle = provider.callback();
http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${error.message}`);
    });
    return;
  }
  handle(req, res);
}).listen(port, '127.0.0.1', () => {
  console.log(`test identity provider listening on http://127.0.0.1:${port}`);
});
