/**
 * `report.ts`: group ids, known limitations read from the change's path (never from names), the summary,
 * and which openings `--accept` covers.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {Change} from '../../../source/core/traffic/equivalence.ts';
import {groupChanges, groupId, knownLimitation, summaryLine, unacceptedOpenings} from '../../../source/core/traffic/report.ts';

const backend = (decision: string, path: string[], decidedBy?: string) => ({workload: 'reviews-v1', namespace: 'shop', weight: 1, decision, path, ...(decidedBy ? {decidedBy} : {})});
const change = (mode: string, kind: string, after: string[], direction: Change['direction'] = 'opens', sa = 'front'): Change => ({
  direction,
  request: {source: {namespace: 'shop', ...(kind === 'workload' ? {serviceAccount: sa} : {}), mode, kind}, destination: {kind: 'service', namespace: 'shop', name: 'reviews', port: 9080}, method: 'POST', path: '/', headers: {}},
  classId: `${mode}-${kind}-${after.join('>')}`,
  before: {backends: [backend('deny', ['client-sidecar', 'destination-sidecar'], 'shop/viewer#0')], routedBy: []},
  after: {backends: [backend('allow', after)], routedBy: []},
  operations: ['a', 'b'],
  objects: [],
});

describe('traffic report', () => {
  test('group ids: direction, mode, caller, destination; windows prefixed', () => {
    assert.equal(groupId(change('sidecar', 'workload', ['client-sidecar', 'ztunnel'])), 'opens:sidecar:shop/front->shop/reviews:9080');
    assert.equal(groupId(change('none', 'plaintext', ['ztunnel']), true), 'window:opens:none:out-of-mesh->shop/reviews:9080');
    assert.equal(groupId(change('ambient', 'other', ['waypoint', 'ztunnel'])), 'opens:ambient:any-mesh-identity->shop/reviews:9080');
  });

  test('known limitations come from the path: no waypoint and no destination sidecar, from a caller that is not ambient', () => {
    assert.equal(knownLimitation(change('sidecar', 'workload', ['client-sidecar', 'ztunnel'])), 'sidecar-bypass');
    assert.equal(knownLimitation(change('gateway', 'ingress', ['ingress-gateway', 'ztunnel'])), 'ingress-bypass');
    assert.equal(knownLimitation(change('none', 'plaintext', ['ztunnel'])), 'out-of-mesh-bypass');
    // An ambient caller that opens is never the guide's limitation, nor one that still passes a waypoint.
    assert.equal(knownLimitation(change('ambient', 'workload', ['ztunnel'])), undefined);
    assert.equal(knownLimitation(change('sidecar', 'workload', ['client-sidecar', 'waypoint', 'ztunnel'])), undefined);
    assert.equal(knownLimitation(change('sidecar', 'workload', ['client-sidecar', 'ztunnel'], 'closes')), undefined);
  });

  test('groups, the summary, and what --accept covers', () => {
    const changes = [change('sidecar', 'workload', ['client-sidecar', 'ztunnel']), {...change('sidecar', 'workload', ['client-sidecar', 'ztunnel']), classId: 'x'}, change('ambient', 'workload', ['ztunnel'])];
    const {groups, changes: reported} = groupChanges(changes, false);
    assert.deepEqual(groups.map(g => [g.id, g.count, g.knownLimitation]), [
      ['opens:ambient:shop/front->shop/reviews:9080', 1, undefined],
      ['opens:sidecar:shop/front->shop/reviews:9080', 2, 'sidecar-bypass'],
    ]);
    assert.ok(reported.every(c => c.group === groupId(c)));
    assert.match(groups[1]!.meaning, /^2 request classes \(POST \/\) get through where a policy denied or checked them after the migration: before denied by shop\/viewer at reviews-v1 via client-sidecar>destination-sidecar; after allowed \(no policy decides\) at reviews-v1 via client-sidecar>ztunnel\. known limitation/);
    assert.equal(summaryLine(540, changes, [], groups), '540 request classes: 3 change after the migration (3 open, 0 close, 0 reroute; 2 groups, 1 of them known limitations); no window while it runs');
    assert.equal(summaryLine(1240, [], []), '1,240 request classes: none changes after the migration; no window while it runs');
    assert.deepEqual(unacceptedOpenings({groups}, ['known-limitations']).map(g => g.id), ['opens:ambient:shop/front->shop/reviews:9080']);
    assert.deepEqual(unacceptedOpenings({groups}, ['known-limitations', 'opens:ambient:shop/front->shop/reviews:9080']), []);
  });
});
