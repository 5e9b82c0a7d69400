// The sign-in and consent pages of the test provider, plain HTML forms a browser (or
// Playwright, or httpx) can drive:
//   GET  /interaction/:uid          the login form (username, any password) or the consent form
//   POST /interaction/:uid/login    username=...&password=...  (an unknown username: 200, the
//                                   form again with "unknown user")
//   POST /interaction/:uid/confirm  grant what the client asked for
//   POST /interaction/:uid/abort    refuse (the client gets error=access_denied)
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
</head><body><main><h1>${title}</h1>${body}</main></body></html>`;
}

function loginPage(uid, { username = '', error = '' } = {}) {
  return page('Sign in', `${error ? `<p role="alert" class="error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
  <label>Username <input name="username" autocomplete="username" required autofocus
    value="${escape(username)}"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"></label>
  <button type="submit">Sign in</button>
</form>`);
}

function consentPage(uid, client, username) {
  return page('Allow access', `<p>${escape(client?.clientName ?? client?.clientId ?? 'A client')}
asks to act for <strong>${escape(username)}</strong>.</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Deny</button></form>`);
}

async function readForm(ctx) {
  let text = '';
  for await (const chunk of ctx.req) text += chunk;
  return new URLSearchParams(text);
}

async function finish(provider, ctx, result, merge) {
  const to = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: merge,
  });
  ctx.status = 303;
  ctx.redirect(to);
}

async function grantConsent(provider, details) {
  const { prompt: { details: missing }, grantId, session, params } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scope] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scope.join(' '));
  }
  return grant.save();
}

export async function interactionRoute(provider, ctx, accounts) {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/.exec(ctx.path);
  if (!match) ctx.throw(404);
  const [, uid, action] = match;
  ctx.set('cache-control', 'no-store');
  let details;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch {
    ctx.throw(400, 'this sign-in has expired or was never started; start it again');
  }
  if (details.uid !== uid) ctx.throw(400, 'this sign-in is not the current one');
  const prompt = details.prompt.name;

  if (ctx.method === 'GET' && !action) {
    ctx.type = 'html';
    ctx.body = prompt === 'login'
      ? loginPage(uid)
      : consentPage(uid, await provider.Client.find(details.params.client_id),
        details.session?.accountId);
  } else if (ctx.method === 'POST' && action === 'login' && prompt === 'login') {
    const username = ((await readForm(ctx)).get('username') ?? '').trim();
    if (!accounts.has(username)) {
      ctx.type = 'html';
      ctx.body = loginPage(uid, { username, error: `unknown user: ${username}` });
      return;
    }
    await finish(provider, ctx, { login: { accountId: username } }, false);
  } else if (ctx.method === 'POST' && action === 'confirm' && prompt === 'consent') {
    await finish(provider, ctx, { consent: { grantId: await grantConsent(provider, details) } }, true);
  } else if (ctx.method === 'POST' && action === 'abort') {
    await finish(provider, ctx, { error: 'access_denied', error_description: 'the user refused' }, false);
  } else {
    ctx.throw(400, `nothing to do here for ${ctx.method} during ${prompt}`);
  }
}
