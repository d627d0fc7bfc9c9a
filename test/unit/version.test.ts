import { describe, expect, it } from 'vitest';
import { majorOf, mrsVersionOfCloud, mrsVersionOfManager, profileFor, resolveVersion } from '../../src/domain/version.js';

describe('MRS version sources', () => {
  it.each([
    ['MRS 2.1.0', '2.1.0'],
    ['mrs 1.9.2', '1.9.2'],
    ['MRS 3.1', '3.1'],
    ['6.5.1', undefined],
    ['V100R002C80SPC200', undefined],
    ['FusionInsight HD 6.5.1', undefined],
    ['MRS 2.1.0.1', undefined],
    ['', undefined],
  ])('the Manager version %j is trusted as %j', (reported, expected) => {
    expect(mrsVersionOfManager(reported)).toBe(expected);
  });

  it('the cloud clusterVersion may omit the MRS prefix', () => {
    expect(mrsVersionOfCloud('MRS 2.1.0')).toBe('2.1.0');
    expect(mrsVersionOfCloud('2.0.5')).toBe('2.0.5');
    expect(mrsVersionOfCloud('latest')).toBeUndefined();
  });

  it('clusters.yaml always wins, then the Manager, then the cloud', () => {
    expect(resolveVersion({ configured: '2.1.0', manager: 'MRS 3.1.0', cloud: 'MRS 3.1.0' })).toEqual({ version: '2.1.0', source: 'clusters.yaml' });
    expect(resolveVersion({ manager: 'MRS 2.0.5', cloud: 'MRS 2.1.0' })).toEqual({ version: '2.0.5', source: 'manager' });
    expect(resolveVersion({ manager: '6.5.1', cloud: 'MRS 2.1.0' })).toEqual({ version: '2.1.0', source: 'cloud' });
    expect(resolveVersion({ manager: '6.5.1' })).toBeUndefined();
  });

  it('"2.x" (assumed from the 2.x API) is the 2.x profile', () => {
    expect(majorOf('2.x')).toBe(2);
    expect(profileFor('2.x')?.name).toBe('2.x');
    expect(majorOf('6.5.1')).toBe(6);
  });
});
