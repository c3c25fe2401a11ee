// A real OpenID Connect provider for the tests (panva/oidc-provider), started by the pytest
// fixture in accounts/tests/oidc_provider.py:
//
//     node provider.mjs /path/to/config.json
//
// The config file, written by the test, names the port, the issuer, the signing keys (private
// JWKs: so the test knows the provider's key), the clients and the accounts with the assurance
// level (acr) each one logs in with. The login interaction asks for no password: it signs in
// the account named by ``account`` or ``login_hint`` in the interaction URL's query string (the
// test plays the person typing their name), or shows a small form naming the accounts.
//
// Prints one line "listening <issuer>" when it accepts connections; stops on SIGTERM.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts; // { "<account id>": { "acr": "<acr value>" } }

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.jwks,
  cookies: { keys: ['test-only-cookie-key-not-a-secret'] },
  acrValues: config.acr_values,
  claims: { openid: ['sub'] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // a minimal page without external resources; the test submits the form
      logoutSource: async (ctx, form) => {
        ctx.body = `<!DOCTYPE html><html><head><title>Log ud</title></head><body>${form}`
          + '<button type="submit" form="op.logoutForm" value="yes" name="logout">Log ud</button>'
          + '</body></html>';
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (ctx, sub) => (accounts[sub] ? { accountId: sub, claims: async () => ({ sub }) } : undefined),
  ttl: {
    AccessToken: 300,
    AuthorizationCode: 60,
    IdToken: 300,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
});

// errors go to the log the fixture keeps (shown when the provider fails to start)
for (const event of ['server_error', 'authorization.error', 'grant.error', 'end_session.error']) {
  provider.on(event, (ctx, error) => console.error(event, error.message, error.cause?.message ?? ''));
}

async function interaction(req, res, url) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    const accountId = url.searchParams.get('account') || params.login_hint;
    if (!accountId) {
      const choices = Object.keys(accounts)
        .map((id) => `<li><a href="?account=${encodeURIComponent(id)}">${escape(id)}</a></li>`)
        .join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><html><head><title>Test-IdP</title></head><body><ul>${choices}</ul></body></html>`);
      return;
    }
    if (!accounts[accountId]) {
      await provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'unknown test account',
      });
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId, acr: accounts[accountId].acr, amr: ['pwd', 'mfa'] } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  res.writeHead(400, { 'content-type': 'text/plain' });
  res.end(`unexpected prompt ${prompt.name}`);
}

const callback = provider.callback();
const server = createServer((req, res) => {
  const url = new URL(req.url, config.issuer);
  if (url.pathname.startsWith('/interaction/')) {
    interaction(req, res, url).catch((error) => {
      console.error('interaction_error', error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
    return;
  }
  callback(req, res);
});

server.listen(config.port, '127.0.0.1', () => {
  console.log(`listening ${config.issuer}`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
